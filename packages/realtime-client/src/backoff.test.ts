import { describe, expect, it } from 'vitest';
import { backoffDelay, closeAction } from './backoff';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap', () => {
    const mid = () => 1;
    expect(backoffDelay(0, { baseMs: 500, maxMs: 30_000 }, mid)).toBe(500);
    expect(backoffDelay(1, { baseMs: 500, maxMs: 30_000 }, mid)).toBe(1000);
    expect(backoffDelay(3, { baseMs: 500, maxMs: 30_000 }, mid)).toBe(4000);
    expect(backoffDelay(20, { baseMs: 500, maxMs: 30_000 }, mid)).toBe(30_000);
    expect(backoffDelay(10_000, { baseMs: 500, maxMs: 30_000 }, mid)).toBe(30_000);
  });

  it('jitters within the upper half of the window and never waits zero', () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const ceiling = Math.min(30_000, 500 * 2 ** attempt);
      expect(backoffDelay(attempt, undefined, () => 0)).toBe(ceiling / 2);
      const d = backoffDelay(attempt);
      expect(d).toBeGreaterThanOrEqual(ceiling / 2);
      expect(d).toBeLessThanOrEqual(ceiling);
    }
  });
});

describe('closeAction', () => {
  it('maps documented close codes', () => {
    expect(closeAction(4001)).toBe('reauthenticate');
    expect(closeAction(4003)).toBe('stop');
    expect(closeAction(4029)).toBe('slow-down');
    expect(closeAction(1009)).toBe('reconnect');
    expect(closeAction(1006)).toBe('reconnect');
    expect(closeAction(1001)).toBe('reconnect');
  });
});
