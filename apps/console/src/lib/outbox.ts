import { maskText } from '@parley/masking';
import type { PendingReply } from './state';

/** Where the outbox lives: localStorage when the browser allows it, else memory (the page view). */
export interface OutboxStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

export function browserStorage(): OutboxStorage | null {
  try {
    const s = window.localStorage;
    s.getItem('parley:probe');
    return {
      get: (k) => s.getItem(k),
      set: (k, v) => {
        try {
          s.setItem(k, v);
        } catch {
          // Full or blocked: the reply still goes now; only a reload would lose it.
        }
      },
      remove: (k) => s.removeItem(k),
    };
  } catch {
    return null;
  }
}

const isEntry = (v: unknown): v is PendingReply => {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.clientMsgId === 'string' &&
    typeof e.conversationId === 'string' &&
    typeof e.text === 'string'
  );
};

/**
 * The console's outbox (issue 14 item 8), like the widget's: a reply not yet acknowledged is
 * kept per agent, so a reload or a dropped network loses nothing; on every (re)connect it is
 * sent again with the same clientMsgId and the server stores it at most once. The text is
 * masked in the browser before it is written: nothing unmasked is ever stored (a card number
 * an agent pastes reaches neither localStorage nor the server as digits).
 */
export class ConsoleOutbox {
  private entries: PendingReply[] = [];
  private readonly key: string;

  constructor(
    private readonly storage: OutboxStorage | null,
    agentId: string,
  ) {
    this.key = `parley:console:v1:${agentId}:outbox`;
    try {
      const raw: unknown = JSON.parse(storage?.get(this.key) ?? '[]');
      this.entries = Array.isArray(raw) ? raw.filter(isEntry) : [];
    } catch {
      storage?.remove(this.key);
    }
  }

  /** Masks the text and queues the reply; returns the entry to send. */
  add(conversationId: string, text: string, clientMsgId: string): PendingReply {
    const entry = { clientMsgId, conversationId, text: maskText(text).text };
    this.entries.push(entry);
    this.save();
    return entry;
  }

  list(): PendingReply[] {
    return [...this.entries];
  }

  /** On the ack, or an error that ends the reply for good. */
  remove(clientMsgId: string): void {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.clientMsgId !== clientMsgId);
    if (this.entries.length !== before) this.save();
  }

  /** Sign-out: nothing of this agent stays in the browser. */
  clear(): void {
    this.entries = [];
    this.storage?.remove(this.key);
  }

  private save(): void {
    if (this.entries.length === 0) this.storage?.remove(this.key);
    else this.storage?.set(this.key, JSON.stringify(this.entries));
  }
}
