import { ParleyError } from '@parley/protocol';
import type { PaymentRow, Store, Tx } from '../../store';
import { audit } from '../audit';
import type { ChatActor } from '../chat';

type Agent = ChatActor & { kind: 'agent' };

/** What an agent's payment act is recorded as (PCI DSS 10.2: requests, cancellations, refunds). */
export interface PaymentAct {
  actor: Agent;
  ip: string | null;
  action: 'payment.request' | 'payment.cancel' | 'payment.refund';
  /** The payment acted on; null for a request (its id is known only once the vault made it). */
  paymentId: string | null;
  detail: Record<string, string | number | null>;
}

/**
 * The success entry of an act, written in the transaction that stores the
 * vault's answer (store.payments.upsert with tx): the card and its entry commit
 * together or not at all.
 */
export function recordSuccess(store: Store, act: PaymentAct, row: PaymentRow, tx: Tx) {
  return audit.record(
    store,
    {
      orgId: act.actor.orgId,
      actor: { kind: 'agent', id: act.actor.agentId },
      action: act.action,
      outcome: 'success',
      ip: act.ip,
      resource: { type: 'payment', id: row.id },
      detail: act.detail,
    },
    tx,
  );
}

/**
 * Runs an act and records its failure (nothing changed in the chat store, so
 * no transaction to join); the error passes on unchanged.
 */
export async function withFailureAudit<T>(
  store: Store,
  act: PaymentAct,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const code = err instanceof ParleyError ? err.code : 'internal_error';
    await audit.record(store, {
      orgId: act.actor.orgId,
      actor: { kind: 'agent', id: act.actor.agentId },
      action: act.action,
      outcome: 'failure',
      ip: act.ip,
      resource: { type: 'payment', id: act.paymentId },
      detail: { ...act.detail, error: code },
    });
    throw err;
  }
}
