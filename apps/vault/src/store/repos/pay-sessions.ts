/** Pay sessions: the SHA-256 of each session cookie, bound to one payment. */
import type { Db } from './payments';
import type { VaultDatabase } from '../types';
import type { Insertable, Selectable } from 'kysely';

export const paySessionsRepo = {
  insert: async (db: Db, row: Insertable<VaultDatabase['pay_sessions']>): Promise<void> => {
    await db.insertInto('pay_sessions').values(row).execute();
  },
  byTokenHash: (
    db: Db,
    tokenHash: string,
  ): Promise<Selectable<VaultDatabase['pay_sessions']> | undefined> =>
    db
      .selectFrom('pay_sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst(),
};
