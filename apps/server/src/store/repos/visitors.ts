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
