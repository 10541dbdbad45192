import type { VisitorConversation, VisitorSession } from '@parley/protocol';
import { readJson, storageKeys, type KeyValueStore } from './storage';

export interface ConversationMemo {
  readSeq: number;
  masked: Record<number, string[]>;
}

/** The visitor's token and last conversation, kept per organisation. */
export class VisitorStore {
  private readonly keys: ReturnType<typeof storageKeys>;

  constructor(
    private readonly store: KeyValueStore,
    orgKey: string,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = storageKeys(orgKey);
  }

  get outboxKey(): string {
    return this.keys.outbox;
  }

  session(): VisitorSession | null {
    const s = readJson(this.store, this.keys.session) as Partial<VisitorSession> | null;
    if (
      !s ||
      typeof s.token !== 'string' ||
      typeof s.visitorId !== 'string' ||
      typeof s.expiresAt !== 'number'
    )
      return null;
    if (s.expiresAt <= this.now()) {
      this.clearSession();
      return null;
    }
    return {
      token: s.token,
      visitorId: s.visitorId,
      expiresAt: s.expiresAt,
      verified: s.verified === true,
    };
  }

  saveSession(session: VisitorSession): void {
    this.store.set(this.keys.session, JSON.stringify(session));
  }

  clearSession(): void {
    this.store.remove(this.keys.session);
    this.store.remove(this.keys.conversation);
  }

  /** What the browser remembers about a conversation: the read mark (so a reload does not
   * count old replies as unread) and which of its own messages it masked before sending
   * (kinds only, never the text). Kept per conversation, so reading an old one ("Earlier
   * conversations") leaves the open one's read mark alone. */
  conversation(conversationId: string): ConversationMemo {
    const r = this.memos()[conversationId];
    if (!r) return { readSeq: 0, masked: {} };
    const masked: Record<number, string[]> = {};
    if (typeof r.masked === 'object' && r.masked !== null) {
      for (const [seq, kinds] of Object.entries(r.masked)) {
        if (Array.isArray(kinds) && kinds.every((k) => typeof k === 'string'))
          masked[Number(seq)] = kinds;
      }
    }
    return { readSeq: typeof r.readSeq === 'number' ? r.readSeq : 0, masked };
  }

  saveConversation(conversationId: string, memo: ConversationMemo): void {
    const memos = this.memos();
    delete memos[conversationId];
    // Most recently saved last; the oldest go once the bound is passed.
    const kept = Object.entries(memos).slice(-(MAX_MEMOS - 1));
    const next: Record<string, StoredMemo> = Object.fromEntries(kept);
    next[conversationId] = { readSeq: memo.readSeq, masked: memo.masked };
    this.store.set(this.keys.conversation, JSON.stringify({ memos: next }));
  }

  private memos(): Record<string, StoredMemo> {
    const r = readJson(this.store, this.keys.conversation) as {
      id?: unknown;
      readSeq?: unknown;
      masked?: unknown;
      memos?: unknown;
    } | null;
    if (!r) return {};
    // The format before memos per conversation: one memo with its id.
    if (typeof r.id === 'string') return { [r.id]: { readSeq: r.readSeq, masked: r.masked } };
    if (typeof r.memos !== 'object' || r.memos === null) return {};
    const out: Record<string, StoredMemo> = {};
    for (const [id, m] of Object.entries(r.memos as Record<string, unknown>)) {
      if (typeof m === 'object' && m !== null) out[id] = m;
    }
    return out;
  }
}

/** The visitor reads at most ten conversations from the widget (earlier.tsx lists ten). */
const MAX_MEMOS = 11;

interface StoredMemo {
  readSeq?: unknown;
  masked?: unknown;
}

/** The conversation to show on load: the open one, else the most recent closed one. */
export function pickConversation(conversations: VisitorConversation[]): VisitorConversation | null {
  const open = conversations
    .filter((c) => c.status !== 'closed')
    .sort((a, b) => b.createdAt - a.createdAt);
  if (open[0]) return open[0];
  const closed = [...conversations].sort((a, b) => b.createdAt - a.createdAt);
  return closed[0] ?? null;
}
