/**
 * The charges table: the attempts of a payment, numbered. At most one attempt
 * is live (processing or waiting on the customer) at a time, decided under the
 * payment's row lock in modules/pay/charge.ts; a payment succeeds at most once.
 */
import type { Db } from './payments';
import type { ChargeRow, VaultDatabase } from '../types';
import type { Insertable, Updateable } from 'kysely';

export const chargesRepo = {
  /** The newest attempt of a payment. */
  forPayment: (db: Db, paymentId: string): Promise<ChargeRow | undefined> =>
    db
      .selectFrom('charges')
      .selectAll()
      .where('payment_id', '=', paymentId)
      .orderBy('attempt', 'desc')
      .limit(1)
      .executeTakeFirst(),

  /** Every attempt, oldest first. */
  listForPayment: (db: Db, paymentId: string): Promise<ChargeRow[]> =>
    db
      .selectFrom('charges')
      .selectAll()
      .where('payment_id', '=', paymentId)
      .orderBy('attempt', 'asc')
      .execute(),

  byKey: (db: Db, paymentId: string, idempotencyKey: string): Promise<ChargeRow | undefined> =>
    db
      .selectFrom('charges')
      .selectAll()
      .where('payment_id', '=', paymentId)
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst(),

  byReference: (db: Db, reference: string): Promise<ChargeRow | undefined> =>
    db
      .selectFrom('charges')
      .selectAll()
      .where('gateway_reference', '=', reference)
      .executeTakeFirst(),

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

  /** Takes the attempt waiting on 3-D Secure for processing; undefined when someone else did. */
  claimAction: (db: Db, paymentId: string): Promise<ChargeRow | undefined> =>
    db
      .updateTable('charges')
      .set({ status: 'processing', updated_at: new Date().toISOString() })
      .where('payment_id', '=', paymentId)
      .where('status', '=', 'requires_action')
      .returningAll()
      .executeTakeFirst(),

  /** Records a processor event id; false when it was seen before. */
  rememberEvent: async (db: Db, id: string, processor: string, type: string): Promise<boolean> => {
    const inserted = await db
      .insertInto('processor_events')
      .values({ id, processor, type, received_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
  },
};
export type ChargesRepo = typeof chargesRepo;
