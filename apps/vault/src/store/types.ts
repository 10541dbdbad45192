/** Row types of the vault store. Times are ISO-8601 UTC strings on both dialects. */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** `disputed`: paid, then charged back by the customer's bank (modules/pay/after-payment.ts). */
export type PaymentStatus =
  | 'created'
  | 'opened'
  | 'requires_action'
  | 'succeeded'
  | 'failed'
  | 'canceled'
  | 'expired'
  | 'disputed';
export const FINAL_STATUSES: readonly PaymentStatus[] = [
  'succeeded',
  'failed',
  'canceled',
  'expired',
  'disputed',
];

/** `awaiting_customer`: a hosted processor's intent exists and the customer is in its element. */
export type ChargeStatus =
  'processing' | 'requires_action' | 'awaiting_customer' | 'succeeded' | 'failed';

export interface PaymentsTable {
  id: string;
  org_id: string;
  conversation_id: string;
  amount: number;
  currency: string;
  description: string;
  merchant_name: string;
  /** JSON array of origins allowed to frame the pay page. */
  frame_ancestors: string;
  status: PaymentStatus;
  amount_refunded: number;
  brand: string | null;
  last4: string | null;
  gateway: string;
  gateway_reference: string | null;
  failure_code: string | null;
  failure_message: string | null;
  /** SHA-256 of the current pay link token; the token itself is never stored. */
  link_hash: string;
  link_generation: number;
  link_used_at: string | null;
  idempotency_key: string;
  /** SHA-256 of the canonical create parameters, to tell a replay from a conflict. */
  request_hash: string;
  /** Increases on every change the server is told about. */
  version: number;
  expires_at: string;
  created_at: string;
  updated_at: string;
  /** Set when the record was anonymised (erasure, retention): only what accounting needs is left. */
  anonymised_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** Set when the server voided the create (its answer was lost): canceled, never payable. */
  voided_at: string | null;
}

export interface PaymentKeysTable {
  idempotency_key: string;
  created_at: string;
}

export interface PaymentKeyAttemptsTable {
  idempotency_key: string;
  attempt_id: string;
  /** When the server told the vault it gave up on this attempt (a tombstone). */
  voided_at: string | null;
  created_at: string;
}

export interface ChargesTable {
  id: string;
  /** A payment has attempts 1, 2, …; only one of them can be live at a time (charge.ts). */
  payment_id: string;
  attempt: number;
  /** The browser's key for this attempt: unique per payment, so a repeat is the same attempt. */
  idempotency_key: string;
  status: ChargeStatus;
  /** Null until a hosted processor tells us (the vault never sees that card). */
  brand: string | null;
  last4: string | null;
  /** AES-256-GCM encrypted PAN, only with card-on-file; never the CVV. */
  pan_encrypted: string | null;
  gateway_reference: string | null;
  /** JSON of the pending 3-D Secure step (no card data). */
  action: string | null;
  failure_code: string | null;
  failure_message: string | null;
  /** 1 live, 0 test, null when the processor did not say (test gateway). */
  livemode: number | null;
  created_at: string;
  updated_at: string;
}

export interface RefundsTable {
  id: string;
  payment_id: string;
  idempotency_key: string;
  request_hash: string;
  amount: number;
  status: 'pending' | 'succeeded' | 'failed';
  gateway_reference: string | null;
  created_at: string;
  updated_at: string;
}

export interface PaySessionsTable {
  /** SHA-256 of the cookie value. */
  token_hash: string;
  payment_id: string;
  created_at: string;
  expires_at: string;
}

export interface OutboxTable {
  id: Generated<number>;
  event_id: string;
  payment_id: string;
  body: string;
  attempts: number;
  next_attempt_at: string;
  delivered_at: string | null;
  last_error: string | null;
  created_at: string;
}

/** Processor webhook events already applied (Stripe event ids), so a redelivery is a no-op. */
export interface ProcessorEventsTable {
  id: string;
  processor: string;
  type: string;
  received_at: string;
}

export interface VaultDatabase {
  processor_events: ProcessorEventsTable;
  payments: PaymentsTable;
  charges: ChargesTable;
  refunds: RefundsTable;
  pay_sessions: PaySessionsTable;
  outbox: OutboxTable;
  payment_keys: PaymentKeysTable;
  payment_key_attempts: PaymentKeyAttemptsTable;
}

export type PaymentRow = Selectable<PaymentsTable>;
export type NewPayment = Insertable<PaymentsTable>;
export type PaymentUpdate = Updateable<PaymentsTable>;
export type ChargeRow = Selectable<ChargesTable>;
export type RefundRow = Selectable<RefundsTable>;
