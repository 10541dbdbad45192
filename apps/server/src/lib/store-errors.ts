import { maskText } from '@parley/masking';
import { ParleyError } from '@parley/protocol';
import { DeadlineError } from './deadline';
import { countFault } from './fault-counters';

// SQLite result codes that mean the store cannot serve now (not that the request is wrong).
const SQLITE_OUTAGE =
  /^SQLITE_(FULL|IOERR|BUSY|LOCKED|CANTOPEN|NOMEM|PROTOCOL|READONLY|CORRUPT|NOTADB|INTERRUPT)/;
// SQLSTATE classes: 08 connection, 53 insufficient resources (53100 disk full),
// 57 operator intervention (57014 statement timeout, 57P01 terminated), 58 system error;
// 40001/40P01 serialization failure and deadlock are retryable too.
const PG_OUTAGE = /^(08|53|57|58)|^40001$|^40P01$/;
const NET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOSPC',
  'EIO',
]);
const PG_MESSAGES =
  /Connection terminated|Query read timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed|writer thread/i;

function isContention(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/** True when an error says the store is unreachable, full or too slow, rather than that the request is wrong. */
export function isStoreOutage(err: unknown): boolean {
  if (err instanceof ParleyError) return err.code === 'store_unavailable';
  if (err instanceof DeadlineError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SQLITE_OUTAGE.test(code) || NET_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return PG_OUTAGE.test(code);
  }
  return PG_MESSAGES.test(err.message);
}

/**
 * The typed, retryable error a client gets for a store outage (DESIGN.md law 8):
 * `store_unavailable`, with the original kept as `cause` for the server's log.
 * Any other error is returned unchanged.
 */
export function asStoreError(err: unknown, options: { keepContention?: boolean } = {}): unknown {
  if (err instanceof ParleyError || !isStoreOutage(err)) return err;
  // Lock contention stays as is where a caller retries on it (migrations);
  // the edges (group commit, the socket) still present it as store_unavailable.
  if (options.keepContention && isContention(err)) return err;
  countFault('storeUnavailable');
  const typed = new ParleyError('store_unavailable');
  (typed as { cause?: unknown }).cause = err;
  return typed;
}

function safeLine(err: Error): string {
  const line = `${err.name}: ${err.message}`.slice(0, 200);
  try {
    return maskText(line).text;
  } catch {
    return err.name;
  }
}

/** What a log line may say about an error: name, code and a short masked message, never a body. */
export function errorContext(err: unknown): { err: string; code?: string; cause?: string } {
  if (!(err instanceof Error)) return { err: 'unknown' };
  const code = (err as { code?: unknown }).code;
  const cause = (err as { cause?: unknown }).cause;
  return {
    err: safeLine(err),
    ...(typeof code === 'string' ? { code } : {}),
    ...(cause instanceof Error ? { cause: safeLine(cause) } : {}),
  };
}
