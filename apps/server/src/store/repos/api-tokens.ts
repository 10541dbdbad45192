import type { Kysely } from 'kysely';
import type { ApiTokenRepo, ApiTokenRow, ApiTokenSelectable, Database } from '../types';

const TOUCH_EVERY_MS = 60_000;

function toRow(r: ApiTokenSelectable): ApiTokenRow {
  // PostgreSQL returns bigint as a string.
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  return {
    id: r.id,
    orgId: r.org_id,
    agentId: r.agent_id,
    name: r.name,
    prefix: r.prefix,
    scopes: JSON.parse(r.scopes) as string[],
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    lastUsedAt: num(r.last_used_at),
    lastUsedIp: r.last_used_ip,
    revokedAt: num(r.revoked_at),
    revokedBy: r.revoked_by,
  };
}

export function apiTokensRepo(db: Kysely<Database>): ApiTokenRepo {
  return {
    async create(row) {
      await db.insertInto('api_tokens').values(row).execute();
      const stored = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow();
      return toRow(stored);
    },
    async byHash(tokenHash) {
      const r = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return r && toRow(r);
    },
    async list(orgId) {
      const rows = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toRow);
    },
    async revoke(orgId, id, by, now) {
      const r = await db
        .updateTable('api_tokens')
        .set({ revoked_at: now, revoked_by: by })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async touch(id, now, ip) {
      await db
        .updateTable('api_tokens')
        .set({ last_used_at: now, last_used_ip: ip })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', now - TOUCH_EVERY_MS)]),
        )
        .execute();
    },
  };
}
