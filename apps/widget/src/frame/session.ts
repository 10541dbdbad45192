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

  /** What the browser remembers about the current conversation: the read mark (so a
   * reload does not count old replies as unread) and which of its own messages it
   * masked before sending (kinds only, never the text). */
  conversation(conversationId: string): ConversationMemo {
    const r = readJson(this.store, this.keys.conversation) as {
      id?: unknown;
      readSeq?: unknown;
      masked?: unknown;
    } | null;
    if (!r || r.id !== conversationId) return { readSeq: 0, masked: {} };
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
    this.store.set(this.keys.conversation, JSON.stringify({ id: conversationId, ...memo }));
  }
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
