// The widget loader: the one script a host page includes. It adds a launcher
// button and the chat frame (served from the Parley server's origin) inside a
// closed shadow root, and talks to the frame only through checked postMessage.
import {
  BRIDGE_CHANNEL,
  clampPanelHeight,
  isIdentityToken,
  parseFrameMessage,
} from '../shared/bridge';
import type { LoaderLabels, LoaderMessage } from '../shared/bridge';
import { CHAT_ICON, CLOSE_ICON, LOADER_CSS } from './styles';

interface ParleyApi {
  open(): void;
  close(): void;
  toggle(): void;
  /** Vouch for the signed-in customer with a token your server signed (null: signed out). */
  identify(token: string | null): void;
}

function findScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset.org) return current;
  return document.querySelector<HTMLScriptElement>('script[data-org][src*="widget.js"]');
}

function applyStyles(root: ShadowRoot): void {
  // A constructed stylesheet is not an inline <style>, so a strict style-src
  // on the host page does not block it; fall back for older engines.
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(LOADER_CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = LOADER_CSS;
    root.appendChild(style);
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';

function iconPath(): { svg: SVGSVGElement; path: SVGPathElement } {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(SVG_NS, 'path');
  svg.appendChild(path);
  return { svg, path };
}

// sessionStorage may be blocked (privacy settings): then the widget simply starts closed.
function remembered(key: string): boolean {
  try {
    return sessionStorage.getItem(key) === '1';
  } catch {
    return false;
  }
}

function remember(key: string, open: boolean): void {
  try {
    if (open) sessionStorage.setItem(key, '1');
    else sessionStorage.removeItem(key);
  } catch {
    // not remembered: nothing else depends on it
  }
}

/** The launcher's look, sent with the admission (GET /api/widget/loader; docs/widget.md "Branding"). */
interface Look {
  colour?: string;
  position?: string;
  offsetX?: number;
  offsetY?: number;
  label?: string;
  /** The chosen icon's SVG path (LAUNCHER_ICON_PATHS in packages/protocol). */
  iconPath?: string;
}

function mount(script: HTMLScriptElement, look: Look): void {
  const orgKey = script.dataset.org ?? '';
  const serverOrigin = new URL(script.src, location.href).origin;
  // The token never goes in the URL (logs, Referer): only a flag telling the frame to wait for it.
  let identity: string | null = isIdentityToken(script.dataset.identityToken)
    ? script.dataset.identityToken
    : null;
  // data-team: the website picks the team (docs/routing.md); the frame then asks nobody to choose.
  const team = script.dataset.team ?? '';
  // data-lang: the website's language for the chat; without it the frame follows the browser.
  const lang = script.dataset.lang ?? '';
  // data-storage: where the frame keeps the visitor's token and outbox (docs/widget.md "Storage").
  const storage = /^(auto|local|cookie|memory)$/.test(script.dataset.storage ?? '')
    ? (script.dataset.storage ?? '')
    : '';
  const frameUrl = `${serverOrigin}/frame/?org=${encodeURIComponent(orgKey)}&host=${encodeURIComponent(location.origin)}${identity ? '&identity=1' : ''}${team ? `&team=${encodeURIComponent(team)}` : ''}${lang ? `&lang=${encodeURIComponent(lang)}` : ''}${storage ? `&storage=${storage}` : ''}`;
  // Open or closed survives page loads in this tab (docs/widget.md "Continuity"); only a flag.
  const openKey = `parley:open:${orgKey}`;

  const host = document.createElement('div');
  host.setAttribute('data-parley-widget', '');
  const root = host.attachShadow({ mode: 'closed' });
  applyStyles(root);
  // CSSOM properties, not a style attribute: a strict style-src on the host page still allows them.
  if (/^#[0-9a-f]{6}$/i.test(look.colour ?? '')) host.style.setProperty('--c', look.colour ?? '');
  const px = (n: unknown): string | null =>
    typeof n === 'number' && n >= 0 && n <= 200 ? `${n}px` : null;
  host.style.setProperty('--px', px(look.offsetX));
  host.style.setProperty('--py', px(look.offsetY));
  if (look.position === 'left') host.setAttribute('data-left', '');
  // Path commands and numbers only: anything else keeps the default icon.
  const restIcon = /^[MmLlHhVvCcSsQqTtAaZz0-9 .,-]{1,600}$/.test(look.iconPath ?? '')
    ? (look.iconPath ?? CHAT_ICON)
    : CHAT_ICON;

  const panel = document.createElement('div');
  panel.className = 'panel';
  panel.id = 'parley-panel';
  panel.hidden = true;
  const iframe = document.createElement('iframe');
  // English until the frame sends its labels in the visitor's language.
  let labels: LoaderLabels = { open: 'Open chat', close: 'Close chat', title: 'Live chat' };
  iframe.title = labels.title;
  iframe.src = frameUrl;
  // allow-popups(-to-escape-sandbox) is for the secure payment window, which
  // must open as a normal, unsandboxed top-level window on the vault origin.
  iframe.setAttribute(
    'sandbox',
    'allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox',
  );
  iframe.setAttribute('referrerpolicy', 'strict-origin');
  panel.appendChild(iframe);

  const launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'launcher';
  launcher.setAttribute('aria-controls', 'parley-panel');
  const icon = iconPath();
  const badge = document.createElement('span');
  badge.className = 'badge';
  badge.hidden = true;
  const label = document.createElement('span');
  label.className = 'label';
  label.textContent = (look.label ?? '').slice(0, 40);
  launcher.append(icon.svg, label, badge);
  root.append(panel, launcher);

  let open = remembered(openKey);
  let unread = 0;

  const post = (type: 'open' | 'close'): void => {
    // Always name the target origin: only the Parley frame may read this.
    iframe.contentWindow?.postMessage(
      { channel: BRIDGE_CHANNEL, type } satisfies LoaderMessage,
      serverOrigin,
    );
  };
  const postIdentity = (): void => {
    iframe.contentWindow?.postMessage(
      { channel: BRIDGE_CHANNEL, type: 'identify', token: identity } satisfies LoaderMessage,
      serverOrigin,
    );
  };

  const render = (): void => {
    panel.hidden = !open;
    icon.path.setAttribute('d', open ? CLOSE_ICON : restIcon);
    label.hidden = open;
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? labels.close : labels.open);
    iframe.title = labels.title;
    badge.hidden = open || unread === 0;
    badge.textContent = unread > 99 ? '99+' : String(unread);
    if (open) host.setAttribute('data-open', '');
    else host.removeAttribute('data-open');
  };

  const setOpen = (next: boolean, focusLauncher = false): void => {
    if (next === open) return;
    open = next;
    remember(openKey, open);
    render();
    post(open ? 'open' : 'close');
    if (open) iframe.focus();
    else if (focusLauncher) launcher.focus();
  };

  launcher.addEventListener('click', () => setOpen(!open));
  root.addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Escape' && open) setOpen(false, true);
  });

  window.addEventListener('message', (event: MessageEvent) => {
    const msg = parseFrameMessage(event, serverOrigin, iframe.contentWindow);
    if (!msg) return;
    switch (msg.type) {
      case 'ready':
        if (identity) postIdentity();
        if (open) post('open');
        break;
      case 'close':
        setOpen(false, true);
        break;
      case 'unread':
        unread = msg.count;
        render();
        break;
      case 'resize':
        panel.style.height = `${clampPanelHeight(msg.height, window.innerHeight)}px`;
        break;
      case 'labels':
        labels = msg;
        render();
        break;
    }
  });

  render();
  document.body.appendChild(host);

  const api: ParleyApi = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!open),
    identify: (token) => {
      if (token !== null && !isIdentityToken(token)) {
        console.error('Parley.identify: not a signed identity token (see docs/widget.md).');
        return;
      }
      identity = token;
      postIdentity();
    },
  };
  Object.defineProperty(window, 'Parley', { value: Object.freeze(api), configurable: true });
}

// The loader's one console message when it shows nothing (kept together for the i18n catalogs).
const NOT_SHOWN = {
  origin: (origin: string) =>
    `Parley chat: ${origin} is not one of this organisation's allowed websites, so no chat is shown. An admin can add it under Organisation → Allowed origins (docs/widget.md).`,
  other: (code: string) => `Parley chat: not shown (${code}).`,
};

/**
 * Asks the server whether this page may show the chat at all (issue 11 item 6):
 * it decides by the Origin header the browser sets, so a page that is not
 * allowed gets no launcher and no broken frame, only one console line.
 */
async function admitted(script: HTMLScriptElement): Promise<Look | null> {
  const server = new URL(script.src, location.href).origin;
  let code = 'unreachable';
  try {
    const res = await fetch(
      `${server}/api/widget/loader?org=${encodeURIComponent(script.dataset.org ?? '')}`,
      { credentials: 'omit', cache: 'no-store' },
    );
    if (res.ok) return ((await res.json()) as { look?: Look }).look ?? {};
    const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
    code = body?.error?.code ?? `HTTP ${res.status}`;
  } catch {
    // Unreachable, or refused by the host page's own CSP (connect-src): nothing to show either.
  }
  console.warn(
    code === 'origin_not_allowed' ? NOT_SHOWN.origin(location.origin) : NOT_SHOWN.other(code),
  );
  return null;
}

const script = findScript();
const flag = '__parleyWidgetLoaded';
const w = window as unknown as Record<string, unknown>;
if (script && !w[flag]) {
  w[flag] = true;
  const admission = admitted(script);
  const mountIfAdmitted = (): void =>
    void admission.then((look) => {
      if (look) mount(script, look);
    });
  if (document.body) mountIfAdmitted();
  else document.addEventListener('DOMContentLoaded', mountIfAdmitted, { once: true });
}
