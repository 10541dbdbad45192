/**
 * The payments table: every query the vault's services run on it. Built once
 * per store with its dialect, so no call site knows which database it talks to.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect';
import type { NewPayment, PaymentRow, PaymentUpdate, VaultDatabase } from '../types';

/** The store or a transaction on it. */
export type Db = Kysely<VaultDatabase>;

/** Queries that read and write the same on both dialects. */
export const paymentsRepo = {
  byId: (db: Db, id: string): Promise<PaymentRow | undefined> =>
    db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst(),

  byKey: (db: Db, idempotencyKey: string): Promise<PaymentRow | undefined> =>
    db
      .selectFrom('payments')
      .selectAll()
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst(),

  byLinkHash: (db: Db, hash: string): Promise<{ id: string } | undefined> =>
    db.selectFrom('payments').select('id').where('link_hash', '=', hash).executeTakeFirst(),

  byGatewayReference: (
    db: Db,
    reference: string,
  ): Promise<Pick<PaymentRow, 'id' | 'status'> | undefined> =>
    db
      .selectFrom('payments')
      .select(['id', 'status'])
      .where('gateway_reference', '=', reference)
      .executeTakeFirst(),

  insert: (db: Db, row: NewPayment): Promise<PaymentRow> =>
    db.insertInto('payments').values(row).returningAll().executeTakeFirstOrThrow(),

  /** A change the server is not told about (link rotation, refund reservation). */
  patch: (db: Db, id: string, patch: PaymentUpdate): Promise<PaymentRow> =>
    db
      .updateTable('payments')
      .set(patch)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow(),

  /** Compare-and-set on the version: undefined when someone else changed it first. */
  patchVersion: (
    db: Db,
    id: string,
    version: number,
    patch: PaymentUpdate,
  ): Promise<PaymentRow | undefined> =>
    db
      .updateTable('payments')
      .set(patch)
      .where('id', '=', id)
      .where('version', '=', version)
      .returningAll()
      .executeTakeFirst(),

  /** Moves amount_refunded from `from` by `delta`; undefined when a concurrent refund moved it first. */
  shiftRefunded: (
    db: Db,
    id: string,
    from: number,
    delta: number,
  ): Promise<PaymentRow | undefined> =>
    db
      .updateTable('payments')
      .set({ amount_refunded: from + delta })
      .where('id', '=', id)
      .where('amount_refunded', '=', from)
      .returningAll()
      .executeTakeFirst(),

  /** Requests whose time is up and that nobody has started paying. */
  dueForExpiry: async (db: Db, now: string, limit: number): Promise<string[]> =>
    (
      await db
        .selectFrom('payments')
        .select('id')
        .where('status', 'in', ['created', 'opened'])
        .where('expires_at', '<=', now)
        .limit(limit)
        .execute()
    ).map((r) => r.id),

  frameAncestors: async (db: Db, id: string): Promise<string[]> => {
    const row = await db
      .selectFrom('payments')
      .select('frame_ancestors')
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? (JSON.parse(row.frame_ancestors) as string[]) : [];
  },
};

/** The store's payments repository: the shared queries plus the dialect's row lock. */
export function createPaymentsRepo(dialect: Dialect) {
  return {
    ...paymentsRepo,
    /** Reads the row for a change inside a transaction (a row lock on PostgreSQL; SQLite has one writer). */
    lock: (trx: Db, id: string): Promise<PaymentRow | undefined> => {
      let q = trx.selectFrom('payments').selectAll().where('id', '=', id);
      if (dialect === 'postgres') q = q.forUpdate();
      return q.executeTakeFirst();
    },
  };
}
export type PaymentsRepo = ReturnType<typeof createPaymentsRepo>;
