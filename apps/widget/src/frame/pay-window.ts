import { ApiError, visitorApi } from './api';

let listening: ((e: MessageEvent) => void) | null = null;

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
    const { payUrl } = await visitorApi.payLink(token, conversationId, paymentId);
    const vaultOrigin = new URL(payUrl).origin;
    if (listening) window.removeEventListener('message', listening);
    listening = (e: MessageEvent) => {
      const data = e.data as { type?: unknown } | null;
      if (e.origin === vaultOrigin && data?.type === 'parley:payment') onMessage();
    };
    window.addEventListener('message', listening);
    if (win && !win.closed) win.location.href = payUrl;
    else if (!window.open(payUrl, name, features))
      return 'Your browser blocked the payment window. Allow pop-ups for this site and try again.';
    return null;
  } catch (e) {
    win?.close();
    if (e instanceof ApiError && e.code === 'invalid_payment_state')
      return 'This payment request can no longer be paid.';
    return e instanceof ApiError
      ? e.message
      : 'Could not open the payment window. Please try again.';
  }
}
