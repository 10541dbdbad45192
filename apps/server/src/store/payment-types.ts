import type { ColumnType } from 'kysely';
import type { PaymentAttempt, PaymentStatus } from '@parley/protocol';
import type { Tx } from './transaction';

/** Tables and repository of in-chat payments (migration 0002-payments). */

export interface PaymentsTable {
  id: string; // the vault's payment id
  org_id: string;
  conversation_id: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  description: string;
  amount_refunded: number;
  brand: string | null;
  last4: string | null; // at most the last four digits (PCI DSS 3.4.1); never a PAN or CVV
  gateway_reference: string | null;
  failure_message: string | null;
  vault_version: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  /** JSON array of PaymentAttempt (migration 0012): no card data beyond brand and last four. */
  attempts: ColumnType<string, string | undefined, string>;
}
export interface PaymentEventsTable {
  id: string;
  payment_id: string;
  received_at: number;
}
export interface PaymentSettingsTable {
  org_id: string;
  currencies: string; // JSON array of ISO 4217 codes
  updated_at: number;
}
export interface PaymentTables {
  payments: PaymentsTable;
  payment_events: PaymentEventsTable;
  payment_settings: PaymentSettingsTable;
}

export interface PaymentRow {
  id: string;
  orgId: string;
  conversationId: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  description: string;
  amountRefunded: number;
  brand: string | null;
  last4: string | null;
  gatewayReference: string | null;
  failureMessage: string | null;
  vaultVersion: number;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  attempts: PaymentAttempt[];
}
/**
 * A payment as the vault reports it; `createdBy` only from the server's own create call.
 * `attempts` only when the vault sent them (its events do); otherwise the stored ones stay.
 */
export type PaymentUpsert = Omit<PaymentRow, 'createdBy' | 'attempts'> & {
  attempts?: PaymentAttempt[];
};

export interface PaymentsRepo {
  /**
   * Inserts the payment, or updates it when `vaultVersion` is higher than the
   * stored one (events arrive at least once and may cross the create answer).
   * Returns the stored row and whether this call changed it.
   */
  upsert(
    p: PaymentUpsert,
    createdBy?: string | null,
    /** Written in this transaction (store.transaction). */
    tx?: Tx,
  ): Promise<{ row: PaymentRow; changed: boolean }>;
  byId(orgId: string, id: string): Promise<PaymentRow | undefined>;
  /** Oldest first. */
  listForConversation(orgId: string, conversationId: string): Promise<PaymentRow[]>;
  eventSeen(eventId: string): Promise<boolean>;
  /** Records a vault event id; false when it was seen before. */
  markEventSeen(eventId: string, paymentId: string, now: number): Promise<boolean>;
  /** The organisation's allowed currencies, or undefined when never set (the defaults apply). */
  currencies(orgId: string): Promise<string[] | undefined>;
  setCurrencies(orgId: string, currencies: string[], now: number, tx?: Tx): Promise<void>;
}
