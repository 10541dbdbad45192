import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { toVisitor } from '../mappers';
import type { DataKeys } from '../data-keys';
import type { Database, Store, VisitorRow } from '../types';

const columns = [
  'id',
  'org_id',
  'name',
  'token_hash',
  'created_at',
  'expires_at',
  'revoked_at',
] as const;

export function visitorsRepo(db: Kysely<Database>, keys: DataKeys): Store['visitors'] {
  // The visitor's name is sealed under the visitor's own data key (law 9).
  const sealName = async (orgId: string, id: string, name: string | null) =>
    name === null
      ? null
      : ((await keys.sealMany([{ owner: { orgId, kind: 'visitor', id }, plain: name }]))[0] ??
        null);
  const opened = async (v: VisitorRow | undefined): Promise<VisitorRow | undefined> => {
    if (!v) return v;
    const [name] = await keys.openMany([v.name]);
    return { ...v, name: name ?? null };
  };
  return {
    async create(input) {
      const id = randomUUID();
      const row = {
        id,
        org_id: input.orgId,
        name: await sealName(input.orgId, id, input.name),
        token_hash: input.tokenHash,
        created_at: Date.now(),
        expires_at: input.expiresAt,
        revoked_at: null,
      };
      await db.insertInto('visitors').values(row).execute();
      return { ...toVisitor(row), name: input.name };
    },
    async byTokenHash(tokenHash) {
      const row = await db
        .selectFrom('visitors')
        .select(columns)
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return opened(row && toVisitor(row));
    },
    async byId(orgId, id) {
      const row = await db
        .selectFrom('visitors')
        .select(columns)
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return opened(row && toVisitor(row));
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
        .set({ name: await sealName(orgId, id, name) })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .execute();
    },
  };
}
