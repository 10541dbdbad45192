import type { Kysely } from 'kysely';
import type { Database, DeskRepo } from '../types';

/** Supervisors who joined a conversation (0065-desk-collab); scoped by organisation. */
export function participantsRepo(
  db: Kysely<Database>,
): Pick<DeskRepo, 'addParticipant' | 'participants'> {
  return {
    async addParticipant(input, tx) {
      const insert = db
        .insertInto('conversation_participants')
        .values({
          conversation_id: input.conversationId,
          agent_id: input.agentId,
          org_id: input.orgId,
          joined_at: input.now,
        })
        .onConflict((oc) => oc.columns(['conversation_id', 'agent_id']).doNothing())
        .returning('agent_id');
      const rows = tx ? await tx.execute(insert) : await insert.execute();
      return rows.length > 0;
    },
    async participants(orgId, conversationId) {
      const rows = await db
        .selectFrom('conversation_participants as p')
        .leftJoin('agents as a', (j) =>
          j.onRef('a.id', '=', 'p.agent_id').onRef('a.org_id', '=', 'p.org_id'),
        )
        .select(['p.conversation_id', 'p.agent_id', 'a.name as agent_name', 'p.joined_at'])
        .where('p.org_id', '=', orgId)
        .where('p.conversation_id', '=', conversationId)
        .orderBy('p.joined_at')
        .orderBy('p.agent_id')
        .execute();
      return rows.map((r) => ({
        conversationId: r.conversation_id,
        agentId: r.agent_id,
        agentName: r.agent_name,
        joinedAt: Number(r.joined_at), // PostgreSQL returns bigint as a string
      }));
    },
  };
}
