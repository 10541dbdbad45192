import type { Kysely } from 'kysely';
import type { Database, MaskingSettingsRepo, MaskingSettingsRow } from '../types';

const columns = ['org_id', 'settings', 'version', 'updated_at', 'updated_by'] as const;

function toRow(r: {
  org_id: string;
  settings: string;
  version: number | string;
  updated_at: number | string;
  updated_by: string | null;
}): MaskingSettingsRow {
  // PostgreSQL returns bigint as a string.
  return {
    orgId: r.org_id,
    settings: r.settings,
    version: Number(r.version),
    updatedAt: Number(r.updated_at),
    updatedBy: r.updated_by,
  };
}

export function maskingSettingsRepo(db: Kysely<Database>): MaskingSettingsRepo {
  const get = async (orgId: string): Promise<MaskingSettingsRow | undefined> => {
    const row = await db
      .selectFrom('masking_settings')
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
        .insertInto('masking_settings')
        .values({ org_id: orgId, settings, version: 1, updated_at: now, updated_by: updatedBy })
        .onConflict((oc) =>
          oc.column('org_id').doUpdateSet((eb) => ({
            settings,
            version: eb('masking_settings.version', '+', 1),
            updated_at: now,
            updated_by: updatedBy,
          })),
        )
        .returning(columns);
      const [stored] = tx ? await tx.execute(upsert) : await upsert.execute();
      const row = stored && toRow(stored);
      if (!row) throw new Error('masking settings not stored');
      return row;
    },
  };
}
