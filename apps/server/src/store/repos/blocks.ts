import type { Kysely } from 'kysely';
import type { BlockRepo, VisitorBlockRow, VisitorBlockSelectable } from '../block-types';
import type { Database } from '../types';

const NOTE_EVERY_MS = 60_000;

function toRow(r: VisitorBlockSelectable): VisitorBlockRow {
  // PostgreSQL returns bigint as a string.
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  return {
    id: r.id,
    orgId: r.org_id,
    kind: r.kind,
    visitorId: r.visitor_id,
    network: r.network,
    subjectHash: r.subject_hash,
    conversationId: r.conversation_id,
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    expiresAt: num(r.expires_at),
    liftedAt: num(r.lifted_at),
    liftedBy: r.lifted_by,
    refused: Number(r.refused),
  };
}

export function blocksRepo(db: Kysely<Database>): BlockRepo {
  const byId = async (orgId: string, id: string) => {
    const r = await db
      .selectFrom('visitor_blocks')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toRow(r);
  };
  return {
    async create(row) {
      await db
        .insertInto('visitor_blocks')
        .values({
          id: row.id,
          org_id: row.orgId,
          kind: row.kind,
          visitor_id: row.visitorId,
          network: row.network,
          subject_hash: row.subjectHash,
          conversation_id: row.conversationId,
          reason: row.reason,
          created_by: row.createdBy,
          created_at: row.createdAt,
          expires_at: row.expiresAt,
          lifted_at: null,
          lifted_by: null,
          refused: 0,
        })
        .execute();
      const stored = await byId(row.orgId, row.id);
      if (!stored) throw new Error('block not stored');
      return stored;
    },
    byId,
    async active(orgId, now) {
      const rows = await db
        .selectFrom('visitor_blocks')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('lifted_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .execute();
      return rows.map(toRow);
    },
    async list(orgId, limit) {
      const rows = await db
        .selectFrom('visitor_blocks')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRow);
    },
    async lift(orgId, id, by, now) {
      const r = await db
        .updateTable('visitor_blocks')
        .set({ lifted_at: now, lifted_by: by })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('lifted_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async addRefused(orgId, id, count) {
      await db
        .updateTable('visitor_blocks')
        .set((eb) => ({ refused: eb('refused', '+', count) }))
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .execute();
    },
    async noteAddress(orgId, visitorId, ip, now) {
      await db
        .insertInto('visitor_addresses')
        .values({ visitor_id: visitorId, org_id: orgId, ip, seen_at: now })
        .onConflict((oc) =>
          oc
            .column('visitor_id')
            .doUpdateSet({ ip, seen_at: now })
            .where((eb) =>
              eb.or([
                eb('visitor_addresses.ip', '!=', ip),
                eb('visitor_addresses.seen_at', '<', now - NOTE_EVERY_MS),
              ]),
            ),
        )
        .execute();
    },
    async addressOf(orgId, visitorId) {
      const r = await db
        .selectFrom('visitor_addresses')
        .select('ip')
        .where('org_id', '=', orgId)
        .where('visitor_id', '=', visitorId)
        .executeTakeFirst();
      return r?.ip;
    },
  };
}
