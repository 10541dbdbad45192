/**
 * Signed edges (DESIGN law 4): HMAC-SHA256 over timestamp, method, path and
 * raw body, checked in constant time inside a replay window. Used for
 * server→vault calls, vault→server events and outgoing webhooks; each
 * direction has its own secret so that one leaked secret cannot forge the
 * other direction.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-parley-timestamp';
export const SIGNATURE_HEADER = 'x-parley-signature';
/** Seconds a signature stays valid, in both directions of clock skew. */
export const REPLAY_WINDOW_SECONDS = 300;

export type SignatureFailure = 'missing' | 'malformed' | 'expired' | 'mismatch';

export type VerifyResult =
  { ok: true; timestamp: number } | { ok: false; reason: SignatureFailure };

export interface SignInput {
  secret: string;
  method: string;
  /** Path and query exactly as sent on the request line, e.g. `/v1/payment-requests?x=1`. */
  path: string;
  /** The raw body bytes as sent; '' for a request without a body. */
  body: string | Buffer;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
}

export interface VerifyInput {
  secret: string;
  method: string;
  path: string;
  body: string | Buffer;
  /** Header values as received (Node lowercases names). */
  headers: Record<string, string | string[] | undefined>;
  /** Unix seconds; defaults to now. */
  now?: number;
  windowSeconds?: number;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The hex HMAC-SHA256 of `timestamp\nMETHOD\npath\nrawBody`. */
export function computeSignature(
  secret: string,
  timestamp: number,
  method: string,
  path: string,
  body: string | Buffer,
): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}\n${method.toUpperCase()}\n${path}\n`);
  mac.update(body);
  return mac.digest('hex');
}

/** The two headers to add to a signed request. */
export function signRequest(
  input: SignInput,
): Record<typeof TIMESTAMP_HEADER | typeof SIGNATURE_HEADER, string> {
  const timestamp = input.timestamp ?? nowSeconds();
  const signature = computeSignature(input.secret, timestamp, input.method, input.path, input.body);
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: `v1=${signature}` };
}

function single(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
  return value;
}

/** Checks a signed request; never throws. */
export function verifyRequest(input: VerifyInput): VerifyResult {
  const tsRaw = single(input.headers[TIMESTAMP_HEADER]);
  const sigRaw = single(input.headers[SIGNATURE_HEADER]);
  if (tsRaw === undefined || sigRaw === undefined || tsRaw === '' || sigRaw === '')
    return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(tsRaw)) return { ok: false, reason: 'malformed' };
  // Several comma-separated signatures allow rotating a secret: any v1 may match.
  const candidates: string[] = [];
  for (const part of sigRaw.split(',')) {
    const m = /^\s*v1=([0-9a-f]{64})\s*$/.exec(part);
    if (!m?.[1]) return { ok: false, reason: 'malformed' };
    candidates.push(m[1]);
  }
  const timestamp = Number(tsRaw);
  const now = input.now ?? nowSeconds();
  const window = input.windowSeconds ?? REPLAY_WINDOW_SECONDS;
  if (Math.abs(now - timestamp) > window) return { ok: false, reason: 'expired' };
  const expected = Buffer.from(
    computeSignature(input.secret, timestamp, input.method, input.path, input.body),
    'hex',
  );
  let matched = false;
  for (const candidate of candidates) {
    const given = Buffer.from(candidate, 'hex');
    // Both are 32 bytes (checked by the regex), as timingSafeEqual requires.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}

export interface SignedFetchInput {
  secret: string;
  url: string;
  method?: string;
  /** Sent as JSON; the exact bytes sent are the bytes signed. */
  json?: unknown;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

/** Sends a signed JSON request. The signed path is the URL's pathname plus search. */
export async function signedFetch(input: SignedFetchInput): Promise<Response> {
  const method = (input.method ?? (input.json === undefined ? 'GET' : 'POST')).toUpperCase();
  const url = new URL(input.url);
  const body = input.json === undefined ? '' : JSON.stringify(input.json);
  const headers: Record<string, string> = {
    ...signRequest({ secret: input.secret, method, path: url.pathname + url.search, body }),
  };
  if (body !== '') headers['content-type'] = 'application/json';
  const doFetch = input.fetchImpl ?? fetch;
  return doFetch(url, {
    method,
    headers,
    ...(body === '' ? {} : { body }),
    signal: AbortSignal.timeout(input.timeoutMs ?? 10_000),
  });
}
