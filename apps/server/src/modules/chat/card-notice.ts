// The system message that tells a visitor a card number was hidden and how to
// pay safely; at most one per conversation per interval, per node.

import { SYSTEM_LINES } from '@parley/protocol';

export const CARD_NOTICE_TEXT = SYSTEM_LINES.card_hidden();

const INTERVAL_MS = 5 * 60_000;
const MAX_TRACKED = 10_000;

/** True at most once per conversation per interval. Bounded: the oldest entries are dropped. */
export function createNoticeLimiter(intervalMs = INTERVAL_MS): {
  take(conversationId: string, now: number): boolean;
} {
  const last = new Map<string, number>();
  return {
    take(conversationId, now) {
      const at = last.get(conversationId);
      if (at !== undefined && now - at < intervalMs) return false;
      last.delete(conversationId);
      last.set(conversationId, now);
      if (last.size > MAX_TRACKED) {
        const oldest = last.keys().next();
        if (oldest.done !== true) last.delete(oldest.value);
      }
      return true;
    },
  };
}

/** Whether a visitor's masked message hid a card number, or completed one split over messages. */
export function hidCard(masked: { masked: string[]; cards: readonly string[] }): boolean {
  return masked.masked.includes('pan') || masked.cards.length > 0;
}
