// Bounded cost (issue 9, finding 4): no input up to the 16 KiB frame limit takes more than 10 ms to
// mask, by `maskText` (the CLI, the widget) or by `maskWithState` (the server's held path).
import { describe, expect, it } from 'vitest';
import { ADVERSARIAL, FRAME, worstCaseFamily } from '../test/adversarial';
import { createConversationMasker, maskText } from './index';
import { EMPTY_SENDER_STATE, maskWithState } from './hold';
import { compileOptions } from './scan';

/**
 * Median CPU time of several runs, in ms. The machine is shared (load average 5-17 on 2 cores while
 * other suites run): wall-clock time measures the queue for a core, CPU time measures the masker.
 * Even CPU time moves with the load (caches, frequency, another process's bursts), so the median is
 * taken up to five times and the best of those medians is the figure: a burst of contention can
 * spoil one median, a slow masker spoils all five.
 */
function cpuMs(run: () => unknown, times = 9): number {
  let best = Infinity;
  for (let attempt = 0; attempt < 5 && best >= FRAME_BUDGET_MS; attempt += 1) {
    // Warm up: the server masks on hot code; a first call measures V8 compiling the shape's paths.
    for (let w = 0; w < 3; w += 1) run();
    const ms: number[] = [];
    for (let i = 0; i < times; i += 1) {
      const t = process.cpuUsage();
      run();
      const d = process.cpuUsage(t);
      ms.push((d.user + d.system) / 1000);
    }
    best = Math.min(best, ms.sort((a, b) => a - b)[Math.floor(times / 2)] ?? 0);
  }
  return best;
}

/** The bound: CPU time to mask one 16 KiB message. */
const FRAME_BUDGET_MS = 10;
const compiled = compileOptions(undefined);

describe('bounded cost', () => {
  const family = worstCaseFamily();

  it('generates a worst-case family of 16 KiB inputs', () => {
    expect(family.length).toBeGreaterThan(2 * ADVERSARIAL.length);
    for (const [, text] of family) expect(text.length).toBe(FRAME);
  });

  it.each(family)('maskText masks 16 KiB of %s within 10 ms of CPU', (_name, text) => {
    expect(cpuMs(() => maskText(text))).toBeLessThan(FRAME_BUDGET_MS);
  });

  it.each(family)('the held path masks 16 KiB of %s within 10 ms of CPU', (_name, text) => {
    let k = 0;
    const newId = (): string => `p${(k += 1)}`;
    expect(cpuMs(() => maskWithState(text, compiled, EMPTY_SENDER_STATE, newId))).toBeLessThan(
      FRAME_BUDGET_MS,
    );
  });

  it.each(ADVERSARIAL.slice(0, 6))(
    'the conversation masker takes 16 KiB of %s within the frame budget',
    (_name, text) => {
      const m = createConversationMasker<number>();
      let ref = 0;
      expect(cpuMs(() => m.process('visitor', text, (ref += 1)))).toBeLessThan(FRAME_BUDGET_MS);
    },
  );

  it.each(ADVERSARIAL.slice(0, 10))(
    'costs linear time: 64 KiB of %s costs at most 8x 16 KiB',
    (_name, text) => {
      // Linear is 4x; quadratic (the finding: 141 ms for 4,000 characters) would be 16x.
      const small = cpuMs(() => maskText(text), 5);
      const big = cpuMs(() => maskText(text.repeat(4)), 5);
      expect(big).toBeLessThan(Math.max(8 * small, 4 * FRAME_BUDGET_MS));
    },
  );
});
