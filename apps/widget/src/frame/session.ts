import type { VisitorConversation, VisitorSession } from '@parley/protocol';
import { readJson, storageKeys, type KeyValueStore } from './storage';

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
    if (!s || typeof s.token !== 'string' || typeof s.visitorId !== 'string' || typeof s.expiresAt !== 'number') return null;
    if (s.expiresAt <= this.now()) {
      this.clearSession();
      return null;
    }
    return { token: s.token, visitorId: s.visitorId, expiresAt: s.expiresAt };
  }

  saveSession(session: VisitorSession): void {
    this.store.set(this.keys.session, JSON.stringify(session));
  }

  clearSession(): void {
    this.store.remove(this.keys.session);
    this.store.remove(this.keys.conversation);
  }

  /** Read mark per conversation, so a reload does not count old replies as unread. */
  readSeq(conversationId: string): number {
    const r = readJson(this.store, this.keys.conversation) as { id?: unknown; readSeq?: unknown } | null;
    return r && r.id === conversationId && typeof r.readSeq === 'number' ? r.readSeq : 0;
  }

  saveReadSeq(conversationId: string, readSeq: number): void {
    this.store.set(this.keys.conversation, JSON.stringify({ id: conversationId, readSeq }));
  }
}

/** The conversation to show on load: the open one, else the most recent closed one. */
export function pickConversation(conversations: VisitorConversation[]): VisitorConversation | null {
  const open = conversations.filter((c) => c.status !== 'closed').sort((a, b) => b.createdAt - a.createdAt);
  if (open[0]) return open[0];
  const closed = [...conversations].sort((a, b) => b.createdAt - a.createdAt);
  return closed[0] ?? null;
}
