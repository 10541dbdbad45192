import { ApiError, visitorApi } from './api';
import { errorText, lang, t } from './i18n';

let listening: ((e: MessageEvent) => void) | null = null;

// Issue 16: the card shows whether the pay window is really open. A cross-origin window
// fires no close event to its opener, so `closed` is polled while any is open.
const windows = new Map<string, Window>();
const watchers = new Set<() => void>();
let poll: ReturnType<typeof setInterval> | undefined;
const changed = () => watchers.forEach((w) => w());

function watch(paymentId: string, win: Window): void {
  windows.set(paymentId, win);
  changed();
  poll ??= setInterval(() => {
    for (const [id, w] of windows)
      if (w.closed) {
        windows.delete(id);
        changed();
      }
    if (windows.size === 0) {
      clearInterval(poll);
      poll = undefined;
    }
  }, 500);
}

/** True while this frame's pay window for the payment is open. */
export function payWindowOpen(paymentId: string): boolean {
  const w = windows.get(paymentId);
  return !!w && !w.closed;
}

/** Calls `fn` whenever a pay window opens or closes; returns the unsubscribe. */
export function onPayWindowChange(fn: () => void): () => void {
  watchers.add(fn);
  return () => watchers.delete(fn);
}

/**
 * Opens the vault's pay window for one payment request. The window is opened
 * synchronously on the click (so no popup blocker stops it) and then sent to
 * a fresh single-use pay link that only this visitor gets. It is a separate
 * top-level window on the vault's origin: the chat frame cannot read it and
 * stays usable while it is open. When the page posts `parley:payment` back
 * (a courtesy, docs/vault.md), the cards are refreshed; the live `payment`
 * frames from the server are what the chat relies on.
 */
export async function openPayWindow(
  token: string,
  conversationId: string,
  paymentId: string,
  onMessage: () => void,
): Promise<string | null> {
  const name = `parley-pay-${paymentId}`;
  const features = 'popup,width=480,height=720';
  const win = window.open('', name, features);
  try {
    const link = await visitorApi.payLink(token, conversationId, paymentId);
    // The pay window speaks the visitor's language (issue 16 item 4); the vault ignores the query.
    const url = new URL(link.payUrl);
    url.searchParams.set('lang', lang);
    const payUrl = url.href;
    const vaultOrigin = url.origin;
    if (listening) window.removeEventListener('message', listening);
    listening = (e: MessageEvent) => {
      const data = e.data as { type?: unknown } | null;
      if (e.origin === vaultOrigin && data?.type === 'parley:payment') onMessage();
    };
    window.addEventListener('message', listening);
    if (win && !win.closed) {
      win.location.href = payUrl;
      watch(paymentId, win);
      return null;
    }
    const again = window.open(payUrl, name, features);
    if (!again) return t('payment.popupBlocked');
    watch(paymentId, again);
    return null;
  } catch (e) {
    win?.close();
    return e instanceof ApiError ? errorText(e.code) : t('payment.openFailed');
  }
}
