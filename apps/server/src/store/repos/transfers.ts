import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DataKeys } from '../data-keys';
import type { Database, RoutingRepo, TransferRow } from '../types';

// PostgreSQL returns bigint and count() as strings.
const num = (v: unknown): number => Number(v ?? 0);
const nullableNum = (v: unknown): number | null =>
  v === null || v === undefined ? null : Number(v);

type TransferMethods =
  | 'createTransfer'
  | 'transfers'
  | 'pendingTransfers'
  | 'acceptTransfer'
  | 'resolveTransfer'
  | 'overdueTransfers'
  | 'transferById';

/** Transfers of a conversation to an agent or a team (0050-routing); notes sealed under the conversation's key. */
export function transfersRepo(
  db: Kysely<Database>,
  keys: DataKeys,
): Pick<RoutingRepo, TransferMethods> {
  const selectTransfers = () =>
    db
      .selectFrom('conversation_transfers as t')
      .leftJoin('agents as fa', 'fa.id', 't.from_agent_id')
      .leftJoin('agents as ta', 'ta.id', 't.to_agent_id')
      .leftJoin('agents as ra', 'ra.id', 't.resolved_by')
      .leftJoin('teams as tt', 'tt.id', 't.to_team_id')
      .select([
        't.id',
        't.org_id',
        't.conversation_id',
        't.from_agent_id',
        'fa.name as from_name',
        't.to_agent_id',
        'ta.name as to_name',
        't.to_team_id',
        'tt.name as team_name',
        't.note',
        't.note_masked',
        't.status',
        't.created_at',
        't.expires_at',
        't.resolved_at',
        't.resolved_by',
        'ra.name as resolved_name',
      ]);
  type TransferRecord = Awaited<ReturnType<ReturnType<typeof selectTransfers>['execute']>>[number];
  const toTransfers = async (rows: TransferRecord[]): Promise<TransferRow[]> => {
    const notes = await keys.openMany(rows.map((r) => r.note));
    return rows.map((r, i) => ({
      id: r.id,
      orgId: r.org_id,
      conversationId: r.conversation_id,
      fromAgentId: r.from_agent_id,
      fromAgentName: r.from_name,
      toAgentId: r.to_agent_id,
      toAgentName: r.to_name,
      toTeamId: r.to_team_id,
      toTeamName: r.team_name,
      // An erased conversation's key is gone: its notes read as nothing.
      note: notes[i] ?? '',
      noteMasked: JSON.parse(r.note_masked) as string[],
      status: r.status,
      createdAt: num(r.created_at),
      expiresAt: num(r.expires_at),
      resolvedAt: nullableNum(r.resolved_at),
      resolvedBy: r.resolved_by,
      resolvedByName: r.resolved_name,
    }));
  };
  const transferById = async (orgId: string, id: string) => {
    const rows = await selectTransfers()
      .where('t.org_id', '=', orgId)
      .where('t.id', '=', id)
      .execute();
    return (await toTransfers(rows))[0];
  };

  return {
    async createTransfer(input) {
      const id = randomUUID();
      const [sealed] = await keys.sealMany([
        {
          owner: { orgId: input.orgId, kind: 'conversation', id: input.conversationId },
          plain: input.note,
        },
      ]);
      if (sealed === undefined) throw new Error('routing: transfer note not sealed');
      const pending = () =>
        db
          .selectFrom('conversation_transfers')
          .select('id')
          .where('org_id', '=', input.orgId)
          .where('conversation_id', '=', input.conversationId)
          .where('status', '=', 'pending')
          .executeTakeFirst();
      if (await pending()) return 'pending';
      try {
        await db
          .insertInto('conversation_transfers')
          .values({
            id,
            org_id: input.orgId,
            conversation_id: input.conversationId,
            from_agent_id: input.fromAgentId,
            to_agent_id: input.toAgentId,
            to_team_id: input.toTeamId,
            note: sealed,
            note_masked: JSON.stringify(input.noteMasked),
            status: 'pending',
            created_at: input.now,
            expires_at: input.expiresAt,
            resolved_at: null,
            resolved_by: null,
          })
          .execute();
      } catch (err) {
        // The partial unique index decides a race between two transfers of one conversation.
        if (await pending()) return 'pending';
        throw err;
      }
      const row = await transferById(input.orgId, id);
      if (!row) throw new Error('routing: transfer vanished after insert');
      return row;
    },

    transferById,

    async transfers(orgId, conversationId) {
      const rows = await selectTransfers()
        .where('t.org_id', '=', orgId)
        .where('t.conversation_id', '=', conversationId)
        .orderBy('t.created_at')
        .orderBy('t.id')
        .execute();
      return toTransfers(rows);
    },

    async pendingTransfers(orgId, limit) {
      const rows = await selectTransfers()
        .where('t.org_id', '=', orgId)
        .where('t.status', '=', 'pending')
        .orderBy('t.created_at')
        .limit(limit)
        .execute();
      return toTransfers(rows);
    },

    async acceptTransfer(orgId, id, receiverId, now) {
      class Moved extends Error {}
      try {
        return await db.transaction().execute(async (trx) => {
          const t = await trx
            .selectFrom('conversation_transfers')
            .select(['conversation_id', 'from_agent_id'])
            .where('org_id', '=', orgId)
            .where('id', '=', id)
            .executeTakeFirst();
          if (!t) return 'answered' as const;
          const won = await trx
            .updateTable('conversation_transfers')
            .set({ status: 'accepted', resolved_at: now, resolved_by: receiverId })
            .where('org_id', '=', orgId)
            .where('id', '=', id)
            .where('status', '=', 'pending')
            .where('expires_at', '>', now)
            .executeTakeFirst();
          if (won.numUpdatedRows !== 1n) return 'answered' as const;
          const moved = await trx
            .updateTable('conversations')
            .set({ agent_id: receiverId, updated_at: now })
            .where('org_id', '=', orgId)
            .where('id', '=', t.conversation_id)
            .where('status', '=', 'active')
            .where('agent_id', '=', t.from_agent_id)
            .executeTakeFirst();
          // Closed or taken over meanwhile: nothing of the acceptance is kept.
          if (moved.numUpdatedRows !== 1n) throw new Moved();
          return 'ok' as const;
        });
      } catch (err) {
        if (err instanceof Moved) return 'moved';
        throw err;
      }
    },

    async resolveTransfer(orgId, id, status, by, now) {
      const r = await db
        .updateTable('conversation_transfers')
        .set({ status, resolved_at: now, resolved_by: by })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return r.numUpdatedRows === 1n;
    },

    async overdueTransfers(now, limit) {
      const rows = await db
        .selectFrom('conversation_transfers')
        .select(['org_id', 'id'])
        .where('status', '=', 'pending')
        .where('expires_at', '<=', now)
        .limit(limit)
        .execute();
      return rows.map((r) => ({ orgId: r.org_id, id: r.id }));
    },
  };
}
