import type { Kysely } from 'kysely';
import type { Database, InstallationKeysRepo } from '../types';

export function installationKeysRepo(db: Kysely<Database>): InstallationKeysRepo {
  return {
    async claim(name, fingerprint, now) {
      await db
        .insertInto('installation_keys')
        .values({ name, fingerprint, updated_at: now })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const row = await db
        .selectFrom('installation_keys')
        .select('fingerprint')
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      return row.fingerprint;
    },
    async replace(name, fingerprint, now) {
      await db
        .updateTable('installation_keys')
        .set({ fingerprint, updated_at: now })
        .where('name', '=', name)
        .execute();
    },
    async all() {
      const rows = await db
        .selectFrom('installation_keys')
        .select(['name', 'fingerprint'])
        .execute();
      return Object.fromEntries(rows.map((r) => [r.name, r.fingerprint]));
    },
  };
}
