import type { Kysely } from 'kysely';
import type { Database, OfflineRepo } from '../types';
import type { DataKeys } from '../data-keys';

export function offlineRepo(db: Kysely<Database>, keys: DataKeys): OfflineRepo {
  return {
    async hours(orgId) {
      const r = await db
        .selectFrom('business_hours')
        .selectAll()
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      if (!r) return undefined;
      return {
        enabled: Number(r.enabled) === 1,
        timeZone: r.time_zone,
        week: JSON.parse(r.week) as { from: string; to: string }[][],
        offlineText: r.offline_text,
        updatedAt: Number(r.updated_at),
      };
    },
    async setHours(orgId, h, now) {
      const values = {
        enabled: h.enabled ? 1 : 0,
        time_zone: h.timeZone,
        week: JSON.stringify(h.week),
        offline_text: h.offlineText,
        updated_at: now,
      };
      await db
        .insertInto('business_hours')
        .values({ org_id: orgId, ...values })
        .onConflict((oc) => oc.column('org_id').doUpdateSet(values))
        .execute();
    },
    async signedInAgents(orgId, now, since) {
      const r = await db
        .selectFrom('agent_sessions as s')
        .innerJoin('agents as a', (j) =>
          j.onRef('a.id', '=', 's.agent_id').onRef('a.org_id', '=', 's.org_id'),
        )
        .select((eb) => eb.fn.count<number | string>('s.agent_id').distinct().as('n'))
        .where('s.org_id', '=', orgId)
        .where('s.revoked_at', 'is', null)
        .where('s.locked_at', 'is', null)
        .where('s.expires_at', '>', now)
        .where('s.last_seen_at', '>=', since)
        .where('a.active', '=', 1)
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    async addContact(input) {
      const [email] = await keys.sealMany([
        {
          owner: { orgId: input.orgId, kind: 'conversation', id: input.conversationId },
          plain: input.email,
        },
      ]);
      if (email === undefined) throw new Error('offline: contact not sealed');
      await db
        .insertInto('conversation_contacts')
        .values({
          conversation_id: input.conversationId,
          org_id: input.orgId,
          email,
          consent_at: input.consentAt,
          created_at: input.now,
        })
        .onConflict((oc) => oc.column('conversation_id').doNothing())
        .execute();
    },
    async contact(orgId, conversationId) {
      const r = await db
        .selectFrom('conversation_contacts')
        .select(['email', 'consent_at'])
        .where('org_id', '=', orgId)
        .where('conversation_id', '=', conversationId)
        .executeTakeFirst();
      if (!r) return undefined;
      const [email] = await keys.openMany([r.email]);
      return email ? { email, consentAt: Number(r.consent_at) } : undefined;
    },
    async createContinueLink(input) {
      await db
        .insertInto('continue_links')
        .values({
          token_hash: input.tokenHash,
          org_id: input.orgId,
          conversation_id: input.conversationId,
          visitor_id: input.visitorId,
          expires_at: input.expiresAt,
          used_at: null,
          created_at: input.now,
        })
        .execute();
    },
    async useContinueLink(tokenHash, now) {
      // One conditional UPDATE: of two clicks on two nodes exactly one spends the link.
      const spent = await db
        .updateTable('continue_links')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (spent.numUpdatedRows !== 1n) return undefined;
      const r = await db
        .selectFrom('continue_links')
        .select(['org_id', 'conversation_id', 'visitor_id'])
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return r && { orgId: r.org_id, conversationId: r.conversation_id, visitorId: r.visitor_id };
    },
  };
}
