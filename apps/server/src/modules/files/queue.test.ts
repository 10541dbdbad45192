import { describe, expect, it } from 'vitest';
import { createWorkQueue } from './queue';

describe('file work queue', () => {
  it('runs at most `concurrency` jobs, refuses past `max`, ignores a key already queued, and drains', async () => {
    const errors: string[] = [];
    const q = createWorkQueue({ concurrency: 2, max: 3, onError: (k) => errors.push(k) });
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const job = () =>
      new Promise<void>((resolve) => {
        running += 1;
        peak = Math.max(peak, running);
        releases.push(() => {
          running -= 1;
          resolve();
        });
      });
    expect(q.push('a', job)).toBe(true);
    expect(q.push('b', job)).toBe(true);
    expect(q.push('c', () => Promise.reject(new Error('boom')))).toBe(true);
    expect(q.full).toBe(true);
    expect(q.push('d', job)).toBe(false);
    expect(q.push('a', job)).toBe(true);
    expect(q.size).toBe(3);
    expect(peak).toBe(2);
    const idle = q.idle();
    releases.shift()?.();
    releases.shift()?.();
    await idle;
    expect(errors).toEqual(['c']);
    expect(q.size).toBe(0);
    expect(q.push('d', () => Promise.resolve())).toBe(true);
    await q.idle();
  });
});
