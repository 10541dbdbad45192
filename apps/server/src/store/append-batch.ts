import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Plan } from './connect';
import { selectMessages, toMessage } from './mappers';
import type { MessageRecord } from './mappers';
import type { AppendResult, Database, MessageRow, NewMessage } from './types';

// Well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const ROWS_PER_STATEMENT = 500;
// An OR of this many key terms stays well inside SQLite's expression depth limit.
const KEYS_PER_LOOKUP = 200;

function* rows<R>(query: Compilable<R>): Generator<CompiledQuery, R[], unknown[]> {
  return (yield query.compile()) as R[];
}

function idempotencyKey(m: {
  conversationId: string;
  senderKind: string;
  senderId: string | null;
  clientMsgId: string;
}) {
  return JSON.stringify([m.conversationId, m.senderKind, m.senderId, m.clientMsgId]);
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

type Outcome =
  | { kind: 'done'; result: AppendResult }
  | { kind: 'new'; id: string }
  | { kind: 'same-as'; id: string };

/**
 * The group commit's unit of work, run inside one transaction. Set-based so a
 * batch of hundreds costs a handful of statements:
 *  1. lock the batch's conversations (PostgreSQL: FOR UPDATE in id order, so two
 *     nodes never deadlock; SQLite: the IMMEDIATE transaction already excludes
 *     other writers);
 *  2. find earlier messages with the same idempotency key (after the lock, so a
 *     concurrent node's committed duplicate is seen);
 *  3. `last_seq = last_seq + n … RETURNING last_seq` (n per conversation) and
 *     give the new messages the n consecutive numbers ending there;
 *  4. insert, then read the stored rows back with sender names.
 */
export function* appendPlan(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  items: NewMessage[],
  now: number,
): Plan<AppendResult[]> {
  if (items.length === 0) return [];
  const conversationIds = [...new Set(items.map((i) => i.conversationId))].sort();
  const orgIds = [...new Set(items.map((i) => i.orgId))];

  let lock = db
    .selectFrom('conversations')
    .select(['id', 'org_id', 'status', 'created_at'])
    .where('id', 'in', conversationIds)
    .orderBy('id');
  if (dialect === 'postgres') lock = lock.forUpdate();
  const conversations = new Map((yield* rows(lock)).map((c) => [c.id, c]));

  const earlier = new Map<string, MessageRow>();
  const keyed = items.filter(
    (i): i is NewMessage & { clientMsgId: string } => i.clientMsgId !== null,
  );
  const uniqueKeyed = [...new Map(keyed.map((i) => [idempotencyKey(i), i])).values()];
  for (const chunk of chunks(
    uniqueKeyed,
    dialect === 'postgres' ? ROWS_PER_STATEMENT : KEYS_PER_LOOKUP,
  )) {
    // Keys are spelled like the unique index (coalesce included) so each is an
    // index probe; matching the columns separately would scan every earlier
    // message of the conversations.
    const byKey = selectMessages(db)
      .where('m.org_id', 'in', orgIds)
      .where('m.client_msg_id', 'is not', null);
    const found = yield* rows(
      dialect === 'postgres'
        ? // PostgreSQL plans a long OR slowly; arrays unnested are one parameter each.
          byKey.where(
            sql<boolean>`(m.conversation_id, m.sender_kind, coalesce(m.sender_id, ''), m.client_msg_id) in (
              select * from unnest(${chunk.map((i) => i.conversationId)}::text[], ${chunk.map((i) => i.senderKind)}::text[],
                ${chunk.map((i) => i.senderId ?? '')}::text[], ${chunk.map((i) => i.clientMsgId)}::text[]))`,
          )
        : byKey.where((eb) =>
            eb.or(
              chunk.map((i) =>
                eb.and([
                  eb('m.conversation_id', '=', i.conversationId),
                  eb('m.sender_kind', '=', i.senderKind),
                  eb(sql<string>`coalesce(m.sender_id, '')`, '=', i.senderId ?? ''),
                  eb('m.client_msg_id', '=', i.clientMsgId),
                ]),
              ),
            ),
          ),
    );
    for (const record of found as MessageRecord[]) {
      const message = toMessage(record);
      if (message.clientMsgId === null) continue;
      earlier.set(idempotencyKey({ ...message, clientMsgId: message.clientMsgId }), message);
    }
  }

  // The masking state of each sender the batch carries one for (rows guarded by the conversation
  // lock above), checked against the version each message was masked against.
  const stateKey = (conversationId: string, senderKey: string) =>
    JSON.stringify([conversationId, senderKey]);
  const versions = new Map<string, number>();
  const withState = items.filter((i) => i.maskState !== undefined);
  if (withState.length > 0) {
    const found = yield* rows(
      db
        .selectFrom('mask_state')
        .select(['conversation_id', 'sender_key', 'version'])
        .where('conversation_id', 'in', [...new Set(withState.map((i) => i.conversationId))]),
    );
    for (const r of found)
      versions.set(stateKey(r.conversation_id, r.sender_key), Number(r.version));
  }
  const newStates = new Map<string, { item: NewMessage; state: string; version: number }>();

  const outcomes: Outcome[] = [];
  const inBatch = new Map<string, string>(); // idempotency key -> id of the new message
  const perConversation = new Map<string, { orgId: string; ids: string[] }>();
  const newItems = new Map<string, NewMessage>();
  for (const item of items) {
    const key =
      item.clientMsgId === null ? null : idempotencyKey({ ...item, clientMsgId: item.clientMsgId });
    const previous = key === null ? undefined : earlier.get(key);
    const sibling = key === null ? undefined : inBatch.get(key);
    const conversation = conversations.get(item.conversationId);
    if (previous && previous.orgId === item.orgId) {
      outcomes.push({ kind: 'done', result: { ok: true, duplicate: true, message: previous } });
    } else if (sibling !== undefined) {
      outcomes.push({ kind: 'same-as', id: sibling });
    } else if (!conversation || conversation.org_id !== item.orgId) {
      outcomes.push({ kind: 'done', result: { ok: false, code: 'conversation_not_found' } });
    } else if (conversation.status === 'closed') {
      outcomes.push({ kind: 'done', result: { ok: false, code: 'conversation_closed' } });
    } else if (
      item.maskState !== undefined &&
      (versions.get(stateKey(item.conversationId, item.maskState.senderKey)) ?? 0) !==
        item.maskState.expect
    ) {
      outcomes.push({ kind: 'done', result: { ok: false, code: 'mask_state_stale' } });
    } else {
      if (item.maskState !== undefined) {
        const k = stateKey(item.conversationId, item.maskState.senderKey);
        const version = item.maskState.expect + 1;
        versions.set(k, version);
        newStates.set(k, { item, state: item.maskState.state, version });
      }
      const id = randomUUID();
      outcomes.push({ kind: 'new', id });
      newItems.set(id, item);
      if (key !== null) inBatch.set(key, id);
      const group = perConversation.get(item.conversationId) ?? { orgId: item.orgId, ids: [] };
      group.ids.push(id);
      perConversation.set(item.conversationId, group);
    }
  }

  // One UPDATE for all the batch's conversations (rows already locked and
  // checked against their organisation above).
  const seqs = new Map<string, number>();
  if (perConversation.size > 0) {
    const groups = [...perConversation];
    const increments = sql.join(
      groups.map(([id, g]) => sql`when ${id} then cast(${g.ids.length} as bigint)`),
      sql` `,
    );
    // Reports (0078): the first agent reply of a conversation, set once.
    const replied = groups
      .filter(([, g]) => g.ids.some((id) => newItems.get(id)?.senderKind === 'agent'))
      .map(([id]) => id);
    const updated = yield* rows(
      db
        .updateTable('conversations')
        .set({
          last_seq: sql<number>`last_seq + case id ${increments} end`,
          updated_at: now,
          ...(replied.length > 0 && {
            first_response_at: sql<number>`case when first_response_at is null and id in (${sql.join(replied)}) then cast(${now} as bigint) else first_response_at end`,
          }),
        })
        .where(
          'id',
          'in',
          groups.map(([id]) => id),
        )
        .where('org_id', 'in', [...new Set(groups.map(([, g]) => g.orgId))])
        .returning(['id', 'last_seq']),
    );
    const lastSeqs = new Map(updated.map((r) => [r.id, Number(r.last_seq)]));
    for (const [conversationId, group] of groups) {
      const last = lastSeqs.get(conversationId);
      if (last === undefined) throw new Error('conversation disappeared while locked');
      const first = last - group.ids.length + 1;
      group.ids.forEach((id, index) => seqs.set(id, first + index));
    }
  }

  const inserts = [...newItems].map(([id, item]) => ({
    id,
    org_id: item.orgId,
    conversation_id: item.conversationId,
    seq: seqs.get(id) ?? 0,
    sender_kind: item.senderKind,
    sender_id: item.senderId,
    client_msg_id: item.clientMsgId,
    text: item.text,
    masked: JSON.stringify(item.masked),
    created_at: now,
  }));
  // Every changed sender state in one upsert (a statement per sender was a round trip each on
  // PostgreSQL: the batch's cost grew with its senders). Keys are unique per batch (newStates).
  const stateRows = [...newStates.values()].map(({ item, state, version }) => ({
    conversation_id: item.conversationId,
    sender_key: item.maskState?.senderKey ?? '',
    org_id: item.orgId,
    state,
    version,
    updated_at: now,
  }));
  for (const chunk of chunks(stateRows, ROWS_PER_STATEMENT)) {
    yield* rows(
      db
        .insertInto('mask_state')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['conversation_id', 'sender_key']).doUpdateSet((eb) => ({
            state: eb.ref('excluded.state'),
            version: eb.ref('excluded.version'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        ),
    );
  }
  // The blind search index (0112), in the message's transaction: keyed hashes only.
  const termRows = [...newItems.values()].flatMap((item) =>
    (item.searchTerms ?? []).map((term) => ({
      org_id: item.orgId,
      term,
      created_at: Number(conversations.get(item.conversationId)?.created_at ?? now),
      conversation_id: item.conversationId,
    })),
  );
  for (const chunk of chunks(termRows, ROWS_PER_STATEMENT))
    yield* rows(
      db
        .insertInto('search_terms')
        .values(chunk)
        .onConflict((oc) => oc.doNothing()),
    );
  const stored = new Map<string, MessageRow>();
  for (const chunk of chunks(inserts, ROWS_PER_STATEMENT)) {
    yield* rows(db.insertInto('messages').values(chunk));
    const back = yield* rows(
      selectMessages(db).where(
        'm.id',
        'in',
        chunk.map((r) => r.id),
      ),
    );
    for (const record of back as MessageRecord[]) stored.set(record.id, toMessage(record));
  }

  return outcomes.map((outcome): AppendResult => {
    if (outcome.kind === 'done') return outcome.result;
    const message = stored.get(outcome.id);
    if (!message) throw new Error('inserted message not read back');
    return { ok: true, duplicate: outcome.kind === 'same-as', message };
  });
}
