import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { toOrganisation } from '../mappers';
import type { Database, Store } from '../types';

const DEFAULT_GREETING = 'Hi! How can we help?';
const columns = ['id', 'key', 'name', 'allowed_origins', 'greeting', 'created_at'] as const;

export function orgsRepo(db: Kysely<Database>): Store['orgs'] {
  const byId = async (id: string) => {
    const row = await db
      .selectFrom('organisations')
      .select(columns)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toOrganisation(row);
  };
  return {
    async create(input) {
      const row = {
        id: randomUUID(),
        // The widget names its organisation by this public key; unguessable so
        // that organisations cannot be enumerated.
        key: `pk_${randomBytes(16).toString('base64url')}`,
        name: input.name,
        allowed_origins: JSON.stringify(input.allowedOrigins),
        greeting: input.greeting ?? DEFAULT_GREETING,
        created_at: Date.now(),
      };
      await db.insertInto('organisations').values(row).execute();
      return toOrganisation(row);
    },
    byId,
    async byKey(key) {
      const row = await db
        .selectFrom('organisations')
        .select(columns)
        .where('key', '=', key)
        .executeTakeFirst();
      return row && toOrganisation(row);
    },
    async list() {
      const rows = await db
        .selectFrom('organisations')
        .select(columns)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toOrganisation);
    },
    async update(id, patch) {
      const set: { name?: string; allowed_origins?: string; greeting?: string } = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.allowedOrigins !== undefined)
        set.allowed_origins = JSON.stringify(patch.allowedOrigins);
      if (patch.greeting !== undefined) set.greeting = patch.greeting;
      if (Object.keys(set).length > 0)
        await db.updateTable('organisations').set(set).where('id', '=', id).execute();
      return byId(id);
    },
  };
}
