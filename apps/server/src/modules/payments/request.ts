/**
 * createPaymentRequest on the server's side, safe under lost answers and a
 * hung vault (issue 18). Each call is one attempt with its own id. When the
 * outcome of an attempt is unknown, or anything fails after the vault made the
 * request, the server reports payment_unavailable and voids that attempt at
 * the vault; chat rows are made only here, never from a vault event, so a
 * request the server reported as failed never shows a Pay button. A retry with
 * the same client key replays the vault's request; when the vault withdrew it
 * (every attempt voided) the retry moves on to the key's next generation, so a
 * retry still works and never yields two payable requests.
 */
import { randomUUID } from 'node:crypto';
import { ParleyError, type PaymentRequestBody } from '@parley/protocol';
import type { PaymentRow } from '../../store';
import type { VaultPayment } from './schema';
import { VaultCallError, type CreateInput, type VaultClient } from './vault-client';
import type { VoidQueue } from './voids';

/** Keys are global across the vault: scope the client's key by organisation. */
export const vaultKey = (orgId: string, kind: string, key: string) =>
  `parley-${kind}-${orgId}-${key}`;

/** How many times one client key may be withdrawn and asked again. */
export const MAX_KEY_GENERATIONS = 20;

export interface RequestContext {
  vault: VaultClient;
  voids: VoidQueue;
  /** Stores the vault's view and publishes the card; the only place a chat row is born. */
  apply(p: VaultPayment): Promise<PaymentRow>;
}

export async function requestAtVault(
  c: RequestContext,
  input: Omit<CreateInput, 'idempotencyKey' | 'attemptId'>,
  body: PaymentRequestBody,
): Promise<PaymentRow> {
  const attemptId = `att_${randomUUID()}`;
  const base = vaultKey(input.orgId, 'req', body.idempotencyKey);
  // The vault would expire the request by then anyway: stop voiding after that.
  const untilMs = Date.now() + (input.expiresInSeconds + 300) * 1000;
  for (let generation = 1; generation <= MAX_KEY_GENERATIONS; generation++) {
    const idempotencyKey = generation === 1 ? base : `${base}.g${generation}`;
    let created: Awaited<ReturnType<VaultClient['create']>>;
    try {
      created = await c.vault.create({ ...input, idempotencyKey, attemptId });
    } catch (err) {
      if (err instanceof VaultCallError && err.vaultCode === 'payment_request_voided') continue;
      if (!(err instanceof VaultCallError) || err.uncertain)
        void c.voids.submit(idempotencyKey, attemptId, untilMs).catch(() => undefined);
      throw err;
    }
    try {
      return await c.apply(await readBack(c.vault, created, input));
    } catch (err) {
      // The vault made it but the chat does not show it: withdraw it rather than leave it payable.
      void c.voids.submit(idempotencyKey, attemptId, untilMs).catch(() => undefined);
      throw err instanceof ParleyError ? err : new ParleyError('payment_unavailable');
    }
  }
  throw new ParleyError('payment_unavailable');
}

async function readBack(
  vault: VaultClient,
  created: { id: string; status: VaultPayment['status'] },
  input: Omit<CreateInput, 'idempotencyKey' | 'attemptId'>,
): Promise<VaultPayment> {
  const expiresAt = new Date(Date.now() + input.expiresInSeconds * 1000).toISOString();
  let payment: VaultPayment;
  try {
    payment = await vault.get(created.id);
  } catch {
    // Created but not readable right now: store what we asked for; the vault's events bring the rest.
    const now = new Date().toISOString();
    payment = {
      id: created.id,
      orgId: input.orgId,
      conversationId: input.conversationId,
      status: created.status,
      amount: input.amount,
      currency: input.currency,
      amountRefunded: 0,
      refundStatus: 'none',
      description: input.description,
      merchantName: input.merchantName,
      brand: null,
      last4: null,
      gatewayReference: null,
      failureCode: null,
      failureMessage: null,
      expiresAt,
      createdAt: now,
      updatedAt: now,
      version: 0,
    };
  }
  if (payment.orgId !== input.orgId || payment.conversationId !== input.conversationId)
    throw new ParleyError('conflict');
  return payment;
}
