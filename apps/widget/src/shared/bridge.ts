/**
 * postMessage protocol between the loader (host page) and the chat frame
 * (server origin). Every message names its target origin, and every received
 * message is checked for origin, source window and shape before it is used.
 */
export const BRIDGE_CHANNEL = 'parley-widget';

/**
 * Loader → frame: the panel was shown or hidden; `identify` hands over the
 * host-signed identity token of the signed-in customer (null: signed out).
 */
export type LoaderMessage =
  | { channel: typeof BRIDGE_CHANNEL; type: 'open' }
  | { channel: typeof BRIDGE_CHANNEL; type: 'close' }
  | { channel: typeof BRIDGE_CHANNEL; type: 'identify'; token: string | null };

/** A compact JWS (three base64url parts), at most 8 kB: what `Parley.identify` accepts. */
export function isIdentityToken(v: unknown): v is string {
  return (
    typeof v === 'string' &&
    v.length >= 16 &&
    v.length <= 8192 &&
    /^[\w-]+\.[\w-]+\.[\w-]+$/.test(v)
  );
}

/** Frame → loader. */
export type FrameMessage =
  | { channel: typeof BRIDGE_CHANNEL; type: 'ready' }
  | { channel: typeof BRIDGE_CHANNEL; type: 'close' }
  | { channel: typeof BRIDGE_CHANNEL; type: 'unread'; count: number }
  | { channel: typeof BRIDGE_CHANNEL; type: 'resize'; height: number }
  | ({ channel: typeof BRIDGE_CHANNEL; type: 'labels' } & LoaderLabels);

/** The loader's few words, in the frame's language (the loader ships no catalog, to stay small). */
export interface LoaderLabels {
  /** The launcher's label while closed, with the unread count in it. */
  open: string;
  close: string;
  /** The iframe's title. */
  title: string;
}

const isLabel = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= 200;

/** The parts of a MessageEvent the checks need (easy to fake in tests). */
export interface IncomingMessage {
  origin: string;
  source: unknown;
  data: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fromExpected(
  event: IncomingMessage,
  expectedOrigin: string,
  expectedSource: unknown,
): boolean {
  return (
    expectedSource != null &&
    event.source === expectedSource &&
    event.origin === expectedOrigin &&
    expectedOrigin !== 'null'
  );
}

/** Accepts a message from the chat frame only if it comes from the frame's window and origin. */
export function parseFrameMessage(
  event: IncomingMessage,
  frameOrigin: string,
  frameWindow: unknown,
): FrameMessage | null {
  if (!fromExpected(event, frameOrigin, frameWindow)) return null;
  const d = event.data;
  if (!isRecord(d) || d.channel !== BRIDGE_CHANNEL) return null;
  switch (d.type) {
    case 'ready':
    case 'close':
      return { channel: BRIDGE_CHANNEL, type: d.type };
    case 'unread':
      if (typeof d.count !== 'number' || !Number.isInteger(d.count) || d.count < 0) return null;
      return { channel: BRIDGE_CHANNEL, type: 'unread', count: Math.min(d.count, 999) };
    case 'resize':
      if (typeof d.height !== 'number' || !Number.isFinite(d.height)) return null;
      return { channel: BRIDGE_CHANNEL, type: 'resize', height: d.height };
    case 'labels':
      if (!isLabel(d.open) || !isLabel(d.close) || !isLabel(d.title)) return null;
      return {
        channel: BRIDGE_CHANNEL,
        type: 'labels',
        open: d.open,
        close: d.close,
        title: d.title,
      };
    default:
      return null;
  }
}

/** Accepts a message from the loader only if it comes from the parent window and the embedding origin. */
export function parseLoaderMessage(
  event: IncomingMessage,
  hostOrigin: string,
  parentWindow: unknown,
): LoaderMessage | null {
  if (!fromExpected(event, hostOrigin, parentWindow)) return null;
  const d = event.data;
  if (!isRecord(d) || d.channel !== BRIDGE_CHANNEL) return null;
  if (d.type === 'open' || d.type === 'close') return { channel: BRIDGE_CHANNEL, type: d.type };
  if (d.type === 'identify' && (d.token === null || isIdentityToken(d.token)))
    return { channel: BRIDGE_CHANNEL, type: 'identify', token: d.token };
  return null;
}

/** Returns the origin if `value` is exactly a serialised http(s) origin, else null. */
export function normaliseOrigin(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin === value ? url.origin : null;
  } catch {
    return null;
  }
}

/** Height the loader gives the panel when the frame asks for one, kept on screen. */
export function clampPanelHeight(requested: number, viewportHeight: number): number {
  const max = Math.max(320, viewportHeight - 100);
  return Math.round(Math.min(Math.max(requested, 320), max, 720));
}
