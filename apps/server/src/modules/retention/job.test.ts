// Issue 12 item 4: the purge's interval is configurable (PARLEY_RETENTION_INTERVAL_SECONDS) and the
// job ticks at that interval, never overlapping a run that is still going.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../../config';
import { createLogger } from '../../logger';
import { createRetentionJob } from './index';
import type { RetentionService } from './service';

describe('retention interval', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('defaults to 15 minutes and is read from PARLEY_RETENTION_INTERVAL_SECONDS', () => {
    expect(loadConfig({}).retentionIntervalSeconds).toBe(900);
    expect(loadConfig({ PARLEY_RETENTION_INTERVAL_SECONDS: '60' }).retentionIntervalSeconds).toBe(
      60,
    );
    for (const bad of ['0', '-5', 'often', '86401'])
      expect(() => loadConfig({ PARLEY_RETENTION_INTERVAL_SECONDS: bad })).toThrow(ConfigError);
  });

  it('runs the purge every interval, and skips a tick while the last run still works', async () => {
    vi.useFakeTimers();
    const { retentionIntervalSeconds } = loadConfig({ PARLEY_RETENTION_INTERVAL_SECONDS: '120' });
    let calls = 0;
    let finish: (() => void) | undefined;
    const retention = {
      runOnce: () => {
        calls += 1;
        return new Promise<'busy'>((resolve) => (finish = () => resolve('busy')));
      },
    } as unknown as RetentionService;
    const job = createRetentionJob({
      retention,
      log: createLogger('silent'),
      everyMs: retentionIntervalSeconds * 1000,
    });
    job.start();
    // The first run comes soon after start (at most a minute), not a whole interval later.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(1);
    // Still running at the first interval: that tick is skipped.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(1);
    finish?.();
    await vi.advanceTimersByTimeAsync(119_000);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(2);
    finish?.();
    await job.stop();
  });
});
