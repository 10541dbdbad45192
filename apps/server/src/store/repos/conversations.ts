import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { selectConversations, toConversation } from '../mappers';
import type { DataKeys } from '../data-keys';
import type { ConversationRow, Database, Store } from '../types';

const DEFAULT_LIST_LIMIT = 200;
const MAX_LIST_LIMIT = 1000;

export function conversationsRepo(db: Kysely<Database>, keys: DataKeys): Store['conversations'] {
  // The visitor's name joined in is sealed under the visitor's data key (law 9).
  const opened = async (rows: ConversationRow[]): Promise<ConversationRow[]> => {
    const names = await keys.openMany(rows.map((c) => c.visitorName));
    return rows.map((c, i) => ({ ...c, visitorName: names[i] ?? null }));
  };
  const byId = async (orgId: string, id: string) => {
    const row = await selectConversations(db)
      .where('c.org_id', '=', orgId)
      .where('c.id', '=', id)
      .executeTakeFirst();
    return row && (await opened([toConversation(row)]))[0];
  };
  return {
    async create(input) {
      // A visitor of another organisation must not get a conversation here.
      const visitor = await db
        .selectFrom('visitors')
        .select('id')
        .where('org_id', '=', input.orgId)
        .where('id', '=', input.visitorId)
        .executeTakeFirst();
      if (!visitor) throw new Error('visitor not found in this organisation');
      // A team of another organisation (or a deleted one) routes to the shared queue instead.
      const team = input.teamId
        ? await db
            .selectFrom('teams')
            .select('id')
            .where('org_id', '=', input.orgId)
            .where('id', '=', input.teamId)
            .executeTakeFirst()
        : undefined;
      const now = Date.now();
      const id = randomUUID();
      await db
        .insertInto('conversations')
        .values({
          id,
          org_id: input.orgId,
          visitor_id: input.visitorId,
          status: 'waiting',
          agent_id: null,
          last_seq: 0,
          created_at: now,
          updated_at: now,
          closed_at: null,
          team_id: team?.id ?? null,
          queued_at: now,
          escalation: 0,
        })
        .execute();
      const row = await byId(input.orgId, id);
      if (!row) throw new Error('conversation vanished after insert');
      return row;
    },
    byId,
    async list(orgId, filter) {
      const limit = Math.min(Math.max(1, filter?.limit ?? DEFAULT_LIST_LIMIT), MAX_LIST_LIMIT);
      let query = selectConversations(db).where('c.org_id', '=', orgId);
      if (filter?.status !== undefined) query = query.where('c.status', '=', filter.status);
      const rows = await query
        .orderBy('c.updated_at', 'desc')
        .orderBy('c.id', 'desc')
        .limit(limit)
        .execute();
      return opened(rows.map(toConversation));
    },
    async listForVisitor(orgId, visitorId) {
      const rows = await selectConversations(db)
        .where('c.org_id', '=', orgId)
        .where('c.visitor_id', '=', visitorId)
        .orderBy('c.created_at', 'desc')
        .orderBy('c.id', 'desc')
        .execute();
      return opened(rows.map(toConversation));
    },
    async accept(orgId, id, agentId, now) {
      // One conditional UPDATE: the database decides the race, so exactly one
      // of concurrent callers (on any node) changes the row.
      const result = await db
        .updateTable('conversations')
        .set({
          status: 'active',
          agent_id: agentId,
          updated_at: now,
          // Reports: the first time an agent took it (a transfer back to the queue keeps it).
          assigned_at: sql<number>`coalesce(assigned_at, ${now})`,
        })
        .where('id', '=', id)
        .where('org_id', '=', orgId)
        .where('status', '=', 'waiting')
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('agents')
              .select('agents.id')
              .where('agents.id', '=', agentId)
              .where('agents.org_id', '=', orgId)
              .where('agents.active', '=', 1),
          ),
        )
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },
    async close(orgId, id, now) {
      const result = await db
        .updateTable('conversations')
        .set({ status: 'closed', closed_at: now, updated_at: now })
        .where('id', '=', id)
        .where('org_id', '=', orgId)
        .where('status', '!=', 'closed')
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },
  };
}
