/** The refunds table: one row per (payment, idempotency key), so a retried refund is refunded once. */
import type { Insertable, Updateable } from 'kysely';
import type { Db } from './payments';
import type { RefundRow, VaultDatabase } from '../types';

export const refundsRepo = {
  byKey: (db: Db, paymentId: string, idempotencyKey: string): Promise<RefundRow | undefined> =>
    db
      .selectFrom('refunds')
      .selectAll()
      .where('payment_id', '=', paymentId)
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst(),

  insert: (db: Db, row: Insertable<VaultDatabase['refunds']>): Promise<RefundRow> =>
    db.insertInto('refunds').values(row).returningAll().executeTakeFirstOrThrow(),

  update: (db: Db, id: string, patch: Updateable<VaultDatabase['refunds']>): Promise<RefundRow> =>
    db
      .updateTable('refunds')
      .set(patch)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow(),
};
