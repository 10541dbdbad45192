import { readJson, type KeyValueStore } from './storage';

/** A message the visitor sent that the server has not acknowledged yet. The
 * text is already masked: nothing unmasked is ever written to storage. */
export interface OutboxEntry {
  clientMsgId: string;
  conversationId: string;
  text: string;
  createdAt: number;
  /** Kinds the widget's own masker hid before sending (the server then sees none). */
  masked?: string[];
}

function isEntry(v: unknown): v is OutboxEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.clientMsgId === 'string' &&
    typeof e.conversationId === 'string' &&
    typeof e.text === 'string' &&
    typeof e.createdAt === 'number' &&
    (e.masked === undefined ||
      (Array.isArray(e.masked) && e.masked.every((k) => typeof k === 'string')))
  );
}

/**
 * Unacknowledged messages, persisted so that a reload or a dropped network
 * loses nothing. On every (re)connect the client re-sends each entry with
 * the same clientMsgId; the server stores it at most once.
 */
export class Outbox {
  private entries: OutboxEntry[];

  constructor(
    private readonly store: KeyValueStore,
    private readonly key: string,
  ) {
    const raw = readJson(store, key);
    this.entries = Array.isArray(raw) ? raw.filter(isEntry) : [];
  }

  list(conversationId?: string): OutboxEntry[] {
    return conversationId === undefined
      ? [...this.entries]
      : this.entries.filter((e) => e.conversationId === conversationId);
  }

  add(entry: OutboxEntry): void {
    if (this.entries.some((e) => e.clientMsgId === entry.clientMsgId)) return;
    this.entries.push(entry);
    this.save();
  }

  /** Removes and returns the entry (on ack or a final error). */
  remove(clientMsgId: string): OutboxEntry | undefined {
    const found = this.entries.find((e) => e.clientMsgId === clientMsgId);
    if (!found) return undefined;
    this.entries = this.entries.filter((e) => e.clientMsgId !== clientMsgId);
    this.save();
    return found;
  }

  clear(): void {
    this.entries = [];
    this.store.remove(this.key);
  }

  private save(): void {
    if (this.entries.length === 0) this.store.remove(this.key);
    else this.store.set(this.key, JSON.stringify(this.entries));
  }
}
