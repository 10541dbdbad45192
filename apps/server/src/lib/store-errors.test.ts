import { describe, expect, it } from 'vitest';
import { ParleyError } from '@parley/protocol';
import { DeadlineError } from './deadline';
import { asStoreError, errorContext } from './store-errors';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('store errors', () => {
  it('regression (issue 18 finding 5): a full disk, a lost connection or a deadline becomes the retryable store_unavailable, not internal_error', () => {
    for (const err of [
      coded('SQLITE_FULL', 'database or disk is full'),
      coded('SQLITE_IOERR_WRITE'),
      coded('57P01', 'terminating connection due to administrator command'),
      coded('53100', 'could not extend file: No space left on device'),
      coded('ECONNRESET'),
      new Error('Connection terminated unexpectedly'),
      new Error('Query read timeout'),
      new DeadlineError('message commit', 5000),
    ]) {
      const typed = asStoreError(err);
      expect(typed).toBeInstanceOf(ParleyError);
      expect((typed as ParleyError).code).toBe('store_unavailable');
      expect((typed as { cause?: unknown }).cause).toBe(err);
    }
  });

  it('passes request errors through unchanged: constraints, and lock contention where a caller retries on it', () => {
    for (const err of [coded('23505'), coded('SQLITE_CONSTRAINT_UNIQUE'), new TypeError('bug')])
      expect(asStoreError(err)).toBe(err);
    const busy = coded('SQLITE_BUSY');
    expect(asStoreError(busy, { keepContention: true })).toBe(busy);
    expect((asStoreError(busy) as ParleyError).code).toBe('store_unavailable');
  });

  it('logs an error by name, code and a masked message', () => {
    const ctx = errorContext(coded('SQLITE_FULL', 'failed near 4242 4242 4242 4242'));
    expect(ctx.code).toBe('SQLITE_FULL');
    expect(ctx.err).not.toContain('4242 4242 4242 4242');
  });
});
