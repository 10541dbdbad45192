import type { Kysely } from 'kysely';
import { appendPlan } from '../append-batch';
import { textTerms } from '../blind-index';
import type { Connection, DriverAppendResult } from '../connect';
import type { TextReplacement } from '../sqlite-writer-thread';
import { selectMessages, toMessage } from '../mappers';
import type { DataKeys } from '../data-keys';
import type { AppendResult, Database, MessageRow, NewMessage, Store } from '../types';

const MAX_PAGE = 1000;

/** What an erased message reads as once its conversation's data key is destroyed. */
export const ERASED_TEXT = '[erased]';

/** Opens the sealed fields of stored messages (text under the conversation's key, the visitor's name under theirs). */
export async function openMessages(keys: DataKeys, rows: MessageRow[]): Promise<MessageRow[]> {
  const opened = await keys.openMany(rows.flatMap((m) => [m.text, m.senderName]));
  return rows.map((m, i) => ({
    ...m,
    text: opened[2 * i] ?? ERASED_TEXT,
    senderName: opened[2 * i + 1] ?? null,
  }));
}

/**
 * The stored messages of an append, opened. A message whose text is the caller's own (a driver
 * that built it from the insert, `fromItem`) takes that text in clear: no decrypt of what was
 * just sealed (issue 18, must 7). Senders' names are opened once per distinct sealed value.
 */
async function openAppended(
  keys: DataKeys,
  items: readonly NewMessage[],
  results: readonly DriverAppendResult[],
): Promise<AppendResult[]> {
  const values = new Map<string, string | null | undefined>();
  for (const r of results) {
    if (!r.ok) continue;
    if (r.fromItem === undefined) values.set(r.message.text, undefined);
    if (r.message.senderName !== null) values.set(r.message.senderName, undefined);
  }
  const sealed = [...values.keys()];
  const opened = await keys.openMany(sealed);
  sealed.forEach((v, i) => values.set(v, opened[i]));
  return results.map((r): AppendResult => {
    if (!r.ok) return r;
    const { fromItem, ...result } = r;
    const m = r.message;
    const text = fromItem !== undefined ? items[fromItem]?.text : values.get(m.text);
    const senderName = m.senderName === null ? null : (values.get(m.senderName) ?? null);
    return { ...result, message: { ...m, text: text ?? ERASED_TEXT, senderName } };
  });
}

/** The blind index terms of each message's (masked) text, under its organisation's search key. */
async function termsOf(keys: DataKeys, items: readonly NewMessage[]): Promise<string[][]> {
  const orgs = [...new Set(items.map((i) => i.orgId))];
  const orgKeys = new Map(
    await Promise.all(orgs.map(async (o) => [o, await keys.searchKey(o)] as const)),
  );
  return items.map((i) => textTerms(orgKeys.get(i.orgId) as Buffer, i.text));
}

export function messagesRepo(conn: Connection, keys: DataKeys): Store['messages'] {
  const db: Kysely<Database> = conn.db;
  const sealTexts = (items: { orgId: string; conversationId: string; text: string }[]) =>
    keys.sealMany(
      items.map((i) => ({
        owner: { orgId: i.orgId, kind: 'conversation' as const, id: i.conversationId },
        plain: i.text,
      })),
    );

  async function replaceOne(r: TextReplacement): Promise<boolean> {
    const result = await db
      .updateTable('messages')
      .set({ text: r.text, masked: JSON.stringify(r.masked) })
      .where('org_id', '=', r.orgId)
      .where('conversation_id', '=', r.conversationId)
      .where('seq', '=', r.seq)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  // Rewrites of held pieces (issue 18, must 7). On SQLite an autocommitted
  // UPDATE on the main connection flushed the WAL with the event loop stopped,
  // once per decided piece; they go to the writer thread instead, and those
  // that arrive while one transaction is in flight share the next, like
  // messages in the group commit.
  let replacing: Promise<void> | undefined;
  let waiting: { item: TextReplacement; resolve(ok: boolean): void; reject(e: unknown): void }[] =
    [];
  const replaceAll = async (): Promise<void> => {
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        const changed =
          (await conn.replaceTexts?.(batch.map((w) => w.item))) ??
          (await Promise.all(batch.map((w) => replaceOne(w.item))));
        batch.forEach((w, i) => w.resolve(changed[i] === true));
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
  };

  const kickReplacements = (): void => {
    replacing ??= replaceAll().finally(() => {
      replacing = undefined;
      // One queued after the loop's last check must not be stranded.
      if (waiting.length > 0) kickReplacements();
    });
  };

  return {
    async appendBatch(items, now) {
      if (items.length === 0) return [];
      // Sealed before the batch leaves for the writer: no clear text reaches the store (law 9).
      // The blind index's keyed hashes go with it, into the same transaction.
      const [texts, terms] = await Promise.all([sealTexts(items), termsOf(keys, items)]);
      const sealed = items.map((item, i) => ({
        ...item,
        text: texts[i] as string,
        searchTerms: terms[i] ?? [],
      }));
      const results =
        (await conn.appendBatch?.(sealed, now)) ??
        (await conn.runInTransaction(appendPlan(db, conn.dialect, sealed, now)));
      return openAppended(keys, items, results);
    },
    async after(orgId, conversationId, afterSeq, limit) {
      const rows = await selectMessages(db)
        .where('m.org_id', '=', orgId)
        .where('m.conversation_id', '=', conversationId)
        .where('m.seq', '>', afterSeq)
        .orderBy('m.seq')
        .limit(Math.min(Math.max(1, limit), MAX_PAGE))
        .execute();
      return openMessages(keys, rows.map(toMessage));
    },
    async maskState(orgId, conversationId, senderKey) {
      const row = await db
        .selectFrom('mask_state')
        .select(['state', 'version'])
        .where('org_id', '=', orgId)
        .where('conversation_id', '=', conversationId)
        .where('sender_key', '=', senderKey)
        .executeTakeFirst();
      return row ? { state: row.state, version: Number(row.version) } : { state: null, version: 0 };
    },
    async nameMaskState(orgId, visitorId) {
      const row = await db
        .selectFrom('visitor_mask_state')
        .select('state')
        .where('org_id', '=', orgId)
        .where('visitor_id', '=', visitorId)
        .executeTakeFirst();
      return row?.state ?? null;
    },
    async setNameMaskState(orgId, visitorId, state) {
      if (state === null) {
        await db
          .deleteFrom('visitor_mask_state')
          .where('org_id', '=', orgId)
          .where('visitor_id', '=', visitorId)
          .execute();
        return;
      }
      const now = Date.now();
      await db
        .insertInto('visitor_mask_state')
        .values({ visitor_id: visitorId, org_id: orgId, state, updated_at: now })
        .onConflict((oc) => oc.column('visitor_id').doUpdateSet({ state, updated_at: now }))
        .execute();
    },
    async seedMaskState(orgId, conversationId, senderKey, state) {
      await db
        .insertInto('mask_state')
        .values({
          conversation_id: conversationId,
          sender_key: senderKey,
          org_id: orgId,
          state,
          version: 1,
          updated_at: Date.now(),
        })
        .onConflict((oc) => oc.columns(['conversation_id', 'sender_key']).doNothing())
        .execute();
    },
    async maskStates(orgId, conversationId) {
      const found = await db
        .selectFrom('mask_state')
        .select('state')
        .where('org_id', '=', orgId)
        .where('conversation_id', '=', conversationId)
        .execute();
      return found.map((r) => r.state);
    },
    async dropMaskStates(orgId, conversationId) {
      await db
        .deleteFrom('mask_state')
        .where('org_id', '=', orgId)
        .where('conversation_id', '=', conversationId)
        .execute();
    },
    async replaceText(orgId, conversationId, seq, clear, masked) {
      const [text] = await sealTexts([{ orgId, conversationId, text: clear }]);
      const item = { orgId, conversationId, seq, text: text as string, masked };
      if (!conn.replaceTexts) return replaceOne(item);
      return new Promise<boolean>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        kickReplacements();
      });
    },
  };
}
