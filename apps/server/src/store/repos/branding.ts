import type { Kysely } from 'kysely';
import type { Database, BrandingRepo, BrandingRow } from '../types';

const columns = ['org_id', 'settings', 'version', 'updated_at', 'updated_by'] as const;

function toRow(r: {
  org_id: string;
  settings: string;
  version: number | string;
  updated_at: number | string;
  updated_by: string | null;
}): BrandingRow {
  // PostgreSQL returns bigint as a string.
  return {
    orgId: r.org_id,
    settings: r.settings,
    version: Number(r.version),
    updatedAt: Number(r.updated_at),
    updatedBy: r.updated_by,
  };
}

export function brandingRepo(db: Kysely<Database>): BrandingRepo {
  const get = async (orgId: string): Promise<BrandingRow | undefined> => {
    const row = await db
      .selectFrom('widget_branding')
      .select(columns)
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    return row && toRow(row);
  };
  return {
    get,
    async put(orgId, settings, updatedBy, now, tx) {
      // One statement on both dialects: insert, or bump the version of the existing row.
      const upsert = db
        .insertInto('widget_branding')
        .values({ org_id: orgId, settings, version: 1, updated_at: now, updated_by: updatedBy })
        .onConflict((oc) =>
          oc.column('org_id').doUpdateSet((eb) => ({
            settings,
            version: eb('widget_branding.version', '+', 1),
            updated_at: now,
            updated_by: updatedBy,
          })),
        )
        .returning(columns);
      const [stored] = tx ? await tx.execute(upsert) : await upsert.execute();
      const row = stored && toRow(stored);
      if (!row) throw new Error('branding not stored');
      return row;
    },
  };
}
