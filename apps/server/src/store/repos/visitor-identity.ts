import type { Kysely } from 'kysely';
import type {
  Database,
  OrgVisitorIdentityRow,
  VisitorIdentityAlgorithm,
  VisitorIdentityMode,
  VisitorIdentityRepo,
  VisitorIdentityRow,
} from '../types';

const toIdentity = (r: Database['visitor_identities']): VisitorIdentityRow => ({
  visitorId: r.visitor_id,
  orgId: r.org_id,
  subjectHash: r.subject_hash,
  details: r.details,
  verifiedAt: Number(r.verified_at),
});

export function visitorIdentityRepo(db: Kysely<Database>): VisitorIdentityRepo {
  return {
    async settings(orgId) {
      const r = await db
        .selectFrom('org_visitor_identity')
        .selectAll()
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      if (!r) return undefined;
      return {
        orgId: r.org_id,
        mode: r.mode as VisitorIdentityMode,
        algorithm: r.algorithm as VisitorIdentityAlgorithm,
        secret: r.secret,
        publicKey: r.public_key,
        issuer: r.issuer,
        audience: r.audience,
        updatedAt: Number(r.updated_at),
      };
    },
    async saveSettings(row: OrgVisitorIdentityRow) {
      const values = {
        mode: row.mode,
        algorithm: row.algorithm,
        secret: row.secret,
        public_key: row.publicKey,
        issuer: row.issuer,
        audience: row.audience,
        updated_at: row.updatedAt,
      };
      await db
        .insertInto('org_visitor_identity')
        .values({ org_id: row.orgId, ...values })
        .onConflict((oc) => oc.column('org_id').doUpdateSet(values))
        .execute();
    },
    async byVisitor(orgId, visitorId) {
      const r = await db
        .selectFrom('visitor_identities')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('visitor_id', '=', visitorId)
        .executeTakeFirst();
      return r && toIdentity(r);
    },
    async bySubject(orgId, subjectHash) {
      const r = await db
        .selectFrom('visitor_identities')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('subject_hash', '=', subjectHash)
        .executeTakeFirst();
      return r && toIdentity(r);
    },
    async bind(row) {
      const res = await db
        .insertInto('visitor_identities')
        .values({
          visitor_id: row.visitorId,
          org_id: row.orgId,
          subject_hash: row.subjectHash,
          details: row.details,
          verified_at: row.verifiedAt,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(res.numInsertedOrUpdatedRows ?? 0n) > 0) return true;
      // Same visitor, same subject: refresh the details the host signed last.
      const upd = await db
        .updateTable('visitor_identities')
        .set({ details: row.details, verified_at: row.verifiedAt })
        .where('org_id', '=', row.orgId)
        .where('visitor_id', '=', row.visitorId)
        .where('subject_hash', '=', row.subjectHash)
        .executeTakeFirst();
      return Number(upd.numUpdatedRows) > 0;
    },
    async verifiedAmong(orgId, visitorIds) {
      if (visitorIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('visitor_identities')
        .select('visitor_id')
        .where('org_id', '=', orgId)
        .where('visitor_id', 'in', [...visitorIds])
        .execute();
      return new Set(rows.map((r) => r.visitor_id));
    },
    async addToken(row) {
      await db
        .insertInto('visitor_tokens')
        .values({
          token_hash: row.tokenHash,
          org_id: row.orgId,
          visitor_id: row.visitorId,
          created_at: Date.now(),
          expires_at: row.expiresAt,
        })
        .execute();
    },
    async visitorOfToken(tokenHash, now) {
      const r = await db
        .selectFrom('visitor_tokens')
        .select(['org_id', 'visitor_id', 'expires_at'])
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return r && Number(r.expires_at) > now
        ? { orgId: r.org_id, visitorId: r.visitor_id }
        : undefined;
    },
    async useJti(orgId, jti, sessionHash, expiresAt) {
      await db
        .insertInto('identity_token_uses')
        .values({ org_id: orgId, jti, session_hash: sessionHash, expires_at: expiresAt })
        .onConflict((oc) => oc.columns(['org_id', 'jti']).doNothing())
        .execute();
      const r = await db
        .selectFrom('identity_token_uses')
        .select('session_hash')
        .where('org_id', '=', orgId)
        .where('jti', '=', jti)
        .executeTakeFirstOrThrow();
      return r.session_hash;
    },
    async purgeExpiredJtis(now) {
      const res = await db
        .deleteFrom('identity_token_uses')
        .where('expires_at', '<', now)
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}
