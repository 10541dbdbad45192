import { sql, type Kysely } from 'kysely';
import type { Database, DeskRepo } from '../types';

type ReadsRepo = Pick<
  DeskRepo,
  'notificationSettings' | 'setNotificationSettings' | 'markRead' | 'unread'
>;

/** Notification settings and read marks per agent (0065-desk-collab); scoped by organisation. */
export function readsRepo(db: Kysely<Database>): ReadsRepo {
  return {
    async notificationSettings(orgId, agentId) {
      const r = await db
        .selectFrom('agent_notification_settings')
        .select('settings')
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .executeTakeFirst();
      return r?.settings;
    },
    async setNotificationSettings(orgId, agentId, json, now) {
      await db
        .insertInto('agent_notification_settings')
        .values({ agent_id: agentId, org_id: orgId, settings: json, updated_at: now })
        .onConflict((oc) =>
          oc
            .column('agent_id')
            .doUpdateSet({ settings: json, updated_at: now })
            .where('agent_notification_settings.org_id', '=', orgId),
        )
        .execute();
    },
    async markRead({ orgId, agentId, conversationId, seq, now }) {
      // The conversation must be the organisation's (the caller authorised it and clamped the
      // seq to its last one), and the mark only moves forward.
      await db
        .insertInto('conversation_reads')
        .columns(['agent_id', 'conversation_id', 'org_id', 'read_seq', 'updated_at'])
        .expression((eb) =>
          eb
            .selectFrom('conversations')
            .select([
              sql.lit(agentId).as('agent_id'),
              'id',
              'org_id',
              sql.lit(seq).as('read_seq'),
              sql.lit(now).as('updated_at'),
            ])
            .where('org_id', '=', orgId)
            .where('id', '=', conversationId),
        )
        .onConflict((oc) =>
          oc
            .columns(['agent_id', 'conversation_id'])
            .doUpdateSet((eb) => ({
              read_seq: eb.ref('excluded.read_seq'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            .where((eb) => eb('conversation_reads.read_seq', '<', eb.ref('excluded.read_seq'))),
        )
        .execute();
    },
    async unread(orgId, agentId) {
      const rows = await db
        .selectFrom('conversations as c')
        .innerJoin('messages as m', (j) =>
          j.onRef('m.conversation_id', '=', 'c.id').onRef('m.org_id', '=', 'c.org_id'),
        )
        .leftJoin('conversation_reads as r', (j) =>
          j.onRef('r.conversation_id', '=', 'c.id').on('r.agent_id', '=', agentId),
        )
        .select(['c.id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('c.org_id', '=', orgId)
        .where('c.status', '=', 'active')
        .where((eb) =>
          eb.or([
            eb('c.agent_id', '=', agentId),
            eb.exists(
              eb
                .selectFrom('conversation_participants as p')
                .select('p.agent_id')
                .whereRef('p.conversation_id', '=', 'c.id')
                .where('p.agent_id', '=', agentId),
            ),
          ]),
        )
        .where('m.sender_kind', '=', 'visitor')
        .where((eb) => eb('m.seq', '>', eb.fn.coalesce('r.read_seq', sql.lit(0))))
        .groupBy('c.id')
        .execute();
      return rows.map((r) => ({ conversationId: r.id, unread: Number(r.n) }));
    },
  };
}
