import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { toVisitor } from '../mappers';
import type { Database, Store } from '../types';

const columns = [
  'id',
  'org_id',
  'name',
  'token_hash',
  'created_at',
  'expires_at',
  'revoked_at',
] as const;

export function visitorsRepo(db: Kysely<Database>): Store['visitors'] {
  return {
    async create(input) {
      const row = {
        id: randomUUID(),
        org_id: input.orgId,
        name: input.name,
        token_hash: input.tokenHash,
        created_at: Date.now(),
        expires_at: input.expiresAt,
        revoked_at: null,
      };
      await db.insertInto('visitors').values(row).execute();
      return toVisitor(row);
    },
    async byTokenHash(tokenHash) {
      const row = await db
        .selectFrom('visitors')
        .select(columns)
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row && toVisitor(row);
    },
    async byId(orgId, id) {
      const row = await db
        .selectFrom('visitors')
        .select(columns)
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toVisitor(row);
    },
    async conversationState(orgId, visitorId) {
      const rows = await db
        .selectFrom('conversations')
        .select(['status', 'closed_at'])
        .where('org_id', '=', orgId)
        .where('visitor_id', '=', visitorId)
        .execute();
      let lastClosedAt: number | null = null;
      let open = 0;
      for (const r of rows) {
        if (r.status !== 'closed') open += 1;
        else if (r.closed_at !== null)
          lastClosedAt = Math.max(lastClosedAt ?? 0, Number(r.closed_at));
      }
      return { conversations: rows.length, open, lastClosedAt };
    },
    async setName(orgId, id, name) {
      await db
        .updateTable('visitors')
        .set({ name })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .execute();
    },
  };
}
