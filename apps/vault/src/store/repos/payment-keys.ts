/**
 * Create idempotency keys and the server's attempts on them (issue 18): the
 * tombstones that let the server void a create whose answer it never got.
 */
import type { Kysely, Transaction } from 'kysely';
import type { VaultDatabase } from '../types';

type Trx = Transaction<VaultDatabase>;

/**
 * Takes the per-key lock: an upsert of the key's row, which on PostgreSQL
 * makes a concurrent create or void of the same key wait for this
 * transaction (SQLite has a single writer already).
 */
export async function lockKey(trx: Trx, key: string): Promise<void> {
  await trx
    .insertInto('payment_keys')
    .values({ idempotency_key: key, created_at: new Date().toISOString() })
    .onConflict((oc) =>
      oc.column('idempotency_key').doUpdateSet((eb) => ({
        idempotency_key: eb.ref('excluded.idempotency_key'),
      })),
    )
    .execute();
}

/** Records an attempt; returns true when that attempt was voided already (a late create). */
export async function recordAttempt(trx: Trx, key: string, attemptId: string): Promise<boolean> {
  const prior = await trx
    .selectFrom('payment_key_attempts')
    .select('voided_at')
    .where('idempotency_key', '=', key)
    .where('attempt_id', '=', attemptId)
    .executeTakeFirst();
  if (prior) return prior.voided_at !== null;
  await trx
    .insertInto('payment_key_attempts')
    .values({
      idempotency_key: key,
      attempt_id: attemptId,
      voided_at: null,
      created_at: new Date().toISOString(),
    })
    .execute();
  return false;
}

/** The tombstone: this attempt is dead, even if its create arrives or completes later. */
export async function voidAttempt(trx: Trx, key: string, attemptId: string): Promise<void> {
  const now = new Date().toISOString();
  const updated = await trx
    .updateTable('payment_key_attempts')
    .set({ voided_at: now })
    .where('idempotency_key', '=', key)
    .where('attempt_id', '=', attemptId)
    .where('voided_at', 'is', null)
    .executeTakeFirst();
  if (updated.numUpdatedRows > 0n) return;
  await trx
    .insertInto('payment_key_attempts')
    .values({ idempotency_key: key, attempt_id: attemptId, voided_at: now, created_at: now })
    .onConflict((oc) => oc.columns(['idempotency_key', 'attempt_id']).doNothing())
    .execute();
}

/** True while some attempt on the key is still live (answered, or still in flight). */
export async function hasLiveAttempt(trx: Trx, key: string): Promise<boolean> {
  const live = await trx
    .selectFrom('payment_key_attempts')
    .select('attempt_id')
    .where('idempotency_key', '=', key)
    .where('voided_at', 'is', null)
    .executeTakeFirst();
  return live !== undefined;
}

/**
 * Forgets keys and attempts older than `before`: by then every request they
 * named has expired (at most 7 days) and no signed create can still arrive
 * (the signature's replay window is minutes), so the tables stay bounded.
 */
export async function pruneKeys(db: Kysely<VaultDatabase>, before: string): Promise<void> {
  await db.deleteFrom('payment_key_attempts').where('created_at', '<', before).execute();
  await db.deleteFrom('payment_keys').where('created_at', '<', before).execute();
}
