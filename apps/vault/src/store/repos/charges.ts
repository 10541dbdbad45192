/** The charges table: one charge per payment (unique payment_id), so a card is charged at most once. */
import type { Db } from './payments';
import type { ChargeRow, VaultDatabase } from '../types';
import type { Insertable, Updateable } from 'kysely';

export const chargesRepo = {
  forPayment: (db: Db, paymentId: string): Promise<ChargeRow | undefined> =>
    db.selectFrom('charges').selectAll().where('payment_id', '=', paymentId).executeTakeFirst(),

  byId: (db: Db, id: string): Promise<ChargeRow | undefined> =>
    db.selectFrom('charges').selectAll().where('id', '=', id).executeTakeFirst(),

  insert: async (db: Db, row: Insertable<VaultDatabase['charges']>): Promise<void> => {
    await db.insertInto('charges').values(row).execute();
  },

  update: async (
    db: Db,
    id: string,
    patch: Updateable<VaultDatabase['charges']>,
  ): Promise<void> => {
    await db.updateTable('charges').set(patch).where('id', '=', id).execute();
  },

  /** Takes a charge waiting on 3-D Secure for processing; undefined when someone else did. */
  claimAction: (db: Db, paymentId: string): Promise<ChargeRow | undefined> =>
    db
      .updateTable('charges')
      .set({ status: 'processing', updated_at: new Date().toISOString() })
      .where('payment_id', '=', paymentId)
      .where('status', '=', 'requires_action')
      .returningAll()
      .executeTakeFirst(),
};
export type ChargesRepo = typeof chargesRepo;
