import { describe, expect, it } from 'vitest';
import { ConversationDelivery } from './subscription';

function harness(stored: number[]) {
  const written: string[] = [];
  const delivery = new ConversationDelivery(
    0,
    (f) => written.push(f),
    async (after, before) => {
      let last = after;
      for (const s of stored) {
        if (s > after && (before === undefined || s < before)) {
          written.push(`m${s}`);
          last = s;
        }
      }
      return last;
    },
    (err) => {
      throw err;
    },
  );
  return { delivery, written };
}

describe('ConversationDelivery', () => {
  it('replays history, then delivers live events queued during the replay without duplicates', async () => {
    const { delivery, written } = harness([1, 2, 3]);
    delivery.push({ audience: 'all', seq: 3, frame: 'm3' });
    delivery.push({ audience: 'all', seq: 4, frame: 'm4' });
    await delivery.replay();
    expect(written).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  it('fills a gap from the store when a later seq arrives first, and drops the late original', async () => {
    const stored = [1, 2, 3];
    const { delivery, written } = harness(stored);
    await delivery.replay();
    stored.push(4, 5); // committed, but 4's event has not arrived yet
    delivery.push({ audience: 'all', seq: 5, frame: 'm5' });
    await expect.poll(() => written.length).toBe(5);
    delivery.push({ audience: 'all', seq: 4, frame: 'm4-late' });
    expect(written).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('passes events without a seq straight through', async () => {
    const { delivery, written } = harness([]);
    await delivery.replay();
    delivery.push({ audience: 'all', frame: 'typing' });
    expect(written).toEqual(['typing']);
  });
});
