// Pieces of a split card, held until decided (law 1; packages/masking/src/hold.ts). The state that
// decides them is in the store, written with each message; this node keeps only what it needs to
// show a released piece again: the unheld text of the messages it masked, in memory, bounded. A
// piece whose text this node no longer has (restart, eviction) stays masked: fail safe.
import {
  EMPTY_SENDER_STATE,
  parseSenderState,
  renderHeld,
  type HeldRange,
  type SenderMaskState,
} from '@parley/masking';
import type { ServerFrame } from '@parley/protocol';
import type { Bus } from '../../bus';
import type { Logger } from '../../logger';
import type { Store } from '../../store';
import { kinds, type MaskedMessage } from './masking';

/** Decisions for pieces this node did not mask travel on this topic to the node that did. */
export const MASK_DECIDED_TOPIC = 'mask:decided';

interface Held {
  readonly orgId: string;
  readonly conversationId: string;
  readonly seq: number;
  readonly unheld: string;
  readonly ranges: readonly HeldRange[];
  /** Kinds of secret masked in the message besides its pieces. */
  readonly other: readonly string[];
  readonly hidden: Set<string>;
  readonly cards: Set<string>;
  /** Pieces not decided yet. */
  readonly pending: Set<string>;
}

export interface HeldPiecesOptions {
  store: Store;
  bus: Bus;
  log: Logger;
  /** Messages whose unheld text is kept at once. */
  maxMessages?: number;
  /** Sender states cached at once. */
  maxStates?: number;
}

export type HeldPieces = ReturnType<typeof createHeldPieces>;

function lru<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done === true) break;
    map.delete(oldest.value);
  }
}

export function createHeldPieces(opts: HeldPiecesOptions) {
  const { store, bus, log } = opts;
  const maxMessages = opts.maxMessages ?? 20_000;
  const maxStates = opts.maxStates ?? 50_000;
  const states = new Map<string, { version: number; state: SenderMaskState }>();
  const messages = new Map<string, Held>(); // piece id -> its message (one entry per piece)
  let unsubscribe: (() => void) | undefined;

  const key = (conversationId: string, senderKey: string): string =>
    `${conversationId}\u0000${senderKey}`;

  async function rewrite(h: Held): Promise<void> {
    const shown = renderHeld(h.unheld, h.ranges, h.hidden, [], h.cards);
    const masked = [...new Set([...h.other, ...kinds(shown.findings)])];
    await store.messages.replaceText(h.orgId, h.conversationId, h.seq, shown.text, masked);
    const frame: ServerFrame = {
      type: 'redact',
      conversationId: h.conversationId,
      seq: h.seq,
      text: shown.text,
      masked,
    };
    await bus.publish(`conv:${h.conversationId}`, {
      audience: 'all',
      conversationId: h.conversationId,
      frame: JSON.stringify(frame),
    });
  }

  /** Applies decisions to the pieces this node holds; returns the ids it did not know. */
  async function applyLocal(released: readonly string[], cards: readonly string[]) {
    const touched = new Set<Held>();
    const unknown = { released: [] as string[], cards: [] as string[] };
    for (const [ids, card] of [
      [released, false],
      [cards, true],
    ] as const) {
      for (const id of ids) {
        const h = messages.get(id);
        if (h === undefined) {
          (card ? unknown.cards : unknown.released).push(id);
          continue;
        }
        h.pending.delete(id);
        messages.delete(id);
        if (card) {
          h.cards.add(id);
          h.hidden.add(id);
        } else h.hidden.delete(id);
        touched.add(h);
      }
    }
    for (const h of touched) await rewrite(h);
    return unknown;
  }

  return {
    /** The sender's state and its version: cached, else from the store. */
    async load(orgId: string, conversationId: string, senderKey: string) {
      const hit = states.get(key(conversationId, senderKey));
      if (hit) return hit;
      const stored = await store.messages.maskState(orgId, conversationId, senderKey);
      // Another message of the sender may have advanced the state while this read was in flight
      // (pipelined sends): the stored version must not replace it.
      const meanwhile = states.get(key(conversationId, senderKey));
      if (meanwhile) return meanwhile;
      const entry = {
        version: stored.version,
        state: stored.state === null ? EMPTY_SENDER_STATE : parseSenderState(stored.state),
      };
      lru(states, key(conversationId, senderKey), entry, maxStates);
      return entry;
    },

    /** The cached state, if any, without waiting (see `load`). */
    peek(conversationId: string, senderKey: string) {
      return states.get(key(conversationId, senderKey));
    },

    /** The state a message is being stored with, so that the sender's next message masks on it. */
    advance(conversationId: string, senderKey: string, version: number, state: SenderMaskState) {
      lru(states, key(conversationId, senderKey), { version, state }, maxStates);
    },

    /** Forgets the cached state (another node or a failed append moved it): it is read again. */
    invalidate(conversationId: string, senderKey: string): void {
      states.delete(key(conversationId, senderKey));
    },

    /** Keeps what is needed to show a piece of a stored message again once it is released. */
    remember(orgId: string, conversationId: string, seq: number, m: MaskedMessage): void {
      if (m.ranges.length === 0) return;
      const h: Held = {
        orgId,
        conversationId,
        seq,
        unheld: m.unheld,
        ranges: m.ranges,
        other: m.masked.filter((k) => k !== 'held'),
        hidden: new Set(m.hidden),
        cards: new Set(),
        pending: new Set(m.ranges.map((r) => r.id)),
      };
      for (const r of m.ranges) lru(messages, r.id, h, maxMessages);
    },

    /**
     * Carries out decisions: released pieces are shown again, pieces of a card are hidden for good.
     * Pieces masked on another node are passed to it over the bus.
     */
    async decide(conversationId: string, released: readonly string[], cards: readonly string[]) {
      if (released.length === 0 && cards.length === 0) return;
      const unknown = await applyLocal(released, cards);
      if (unknown.released.length > 0 || unknown.cards.length > 0)
        await bus.publish(MASK_DECIDED_TOPIC, {
          audience: 'all',
          conversationId,
          frame: JSON.stringify({ conversationId, ...unknown }),
        });
    },

    /** A closed conversation can have no later piece: every piece not part of a card is released. */
    async closed(orgId: string, conversationId: string): Promise<void> {
      const released: string[] = [];
      for (const json of await store.messages.maskStates(orgId, conversationId)) {
        const state = parseSenderState(json);
        for (const p of state.pieces) if (p.card !== true) released.push(p.id);
      }
      for (const [k] of states) if (k.startsWith(`${conversationId}\u0000`)) states.delete(k);
      await this.decide(conversationId, released, []);
      await store.messages.dropMaskStates(orgId, conversationId);
    },

    async start(): Promise<void> {
      unsubscribe = await bus.subscribe(MASK_DECIDED_TOPIC, (event) => {
        let body: { released?: unknown; cards?: unknown };
        try {
          body = JSON.parse(event.frame) as typeof body;
        } catch {
          return;
        }
        const ids = (v: unknown): string[] =>
          Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
        applyLocal(ids(body.released), ids(body.cards)).catch((err: unknown) =>
          log.warn(
            {
              conversationId: event.conversationId,
              err: err instanceof Error ? err.name : 'unknown',
            },
            'held pieces not updated',
          ),
        );
      });
    },

    stop(): void {
      unsubscribe?.();
    },
  };
}
