/**
 * The one way a payment changes: bump its version, stamp it, and enqueue the
 * event for the server in the same transaction.
 */
import type { Transaction } from 'kysely';
import type { VaultContext } from '../../context';
import { randomId } from '../../lib/crypto';
import type { PaymentRow, PaymentUpdate, VaultDatabase } from '../../store/types';
import { paymentsRepo } from '../../store/repos/payments';
import { chargesRepo } from '../../store/repos/charges';
import { enqueueEvent } from '../events/outbox';
import { paymentEvent, processorOf } from './presenter';

export async function changePayment(
  ctx: Pick<VaultContext, 'gateway'>,
  trx: Transaction<VaultDatabase>,
  current: PaymentRow,
  patch: PaymentUpdate,
): Promise<PaymentRow> {
  const updated = await paymentsRepo.patchVersion(trx, current.id, current.version, {
    ...patch,
    version: current.version + 1,
    updated_at: new Date().toISOString(),
  });
  if (!updated) throw new Error('payment changed concurrently');
  const eventId = randomId('evt');
  await enqueueEvent(trx, {
    id: eventId,
    paymentId: updated.id,
    body: paymentEvent(
      eventId,
      updated,
      await chargesRepo.listForPayment(trx, updated.id),
      processorOf(ctx.gateway, updated),
    ),
  });
  return updated;
}
