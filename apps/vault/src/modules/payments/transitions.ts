/**
 * The one way a payment changes: bump its version, stamp it, and enqueue the
 * event for the server in the same transaction.
 */
import type { Transaction } from 'kysely';
import { randomId } from '../../lib/crypto';
import type { PaymentRow, PaymentUpdate, VaultDatabase } from '../../store/types';
import { enqueueEvent } from '../events/outbox';
import { paymentEvent } from './presenter';

export async function lockPayment(
  trx: Transaction<VaultDatabase>,
  id: string,
  dialect: 'sqlite' | 'postgres',
): Promise<PaymentRow | undefined> {
  let q = trx.selectFrom('payments').selectAll().where('id', '=', id);
  // SQLite serialises writers already; PostgreSQL needs the row lock.
  if (dialect === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function changePayment(
  trx: Transaction<VaultDatabase>,
  current: PaymentRow,
  patch: PaymentUpdate,
): Promise<PaymentRow> {
  const updated = await trx
    .updateTable('payments')
    .set({ ...patch, version: current.version + 1, updated_at: new Date().toISOString() })
    .where('id', '=', current.id)
    .where('version', '=', current.version)
    .returningAll()
    .executeTakeFirst();
  if (!updated) throw new Error('payment changed concurrently');
  const eventId = randomId('evt');
  await enqueueEvent(trx, {
    id: eventId,
    paymentId: updated.id,
    body: paymentEvent(eventId, updated),
  });
  return updated;
}
