import { sql } from 'kysely';
import { sha256Hex } from '../../lib/crypto';
import type { VaultContext } from '../../context';
import type { Db } from '../../store/repos/payments';
import { FINAL_STATUSES } from '../../store/types';

const DAY_MS = 86_400_000;
/** Records per transaction (law 8: a bound), for erasure and retention alike. */
export const ANONYMISE_BATCH = 200;

/**
 * Anonymises payment records (issue 12 items 1 and 6, docs/privacy.md): each keeps only what
 * accounting needs (id, organisation, amount, currency, status, refunded amount, brand, last
 * four, the processor's reference, the dates); the description, the conversation, the framing
 * origins, failure details, the charges' stored card and 3-D Secure step, the pay sessions and the
 * events that carried the description go. A payable request stops being payable (its link hash
 * is replaced, its status canceled). In one transaction; returns how many were anonymised.
 */
export async function anonymisePayments(db: Db, ids: string[], now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('payments')
      .select(['id', 'status'])
      .where('id', 'in', ids)
      .where('anonymised_at', 'is', null)
      .execute();
    for (const r of rows)
      await trx
        .updateTable('payments')
        .set({
          description: '',
          conversation_id: '',
          frame_ancestors: '[]',
          failure_code: null,
          failure_message: null,
          // The pay link can never match again; a request still payable is canceled.
          link_hash: sha256Hex(`anonymised:${r.id}`),
          link_used_at: null,
          ...(FINAL_STATUSES.includes(r.status) ? {} : { status: 'canceled' as const }),
          anonymised_at: at,
          updated_at: at,
        })
        .where('id', '=', r.id)
        .execute();
    const done = rows.map((r) => r.id);
    if (done.length === 0) return 0;
    await trx
      .updateTable('charges')
      .set({ pan_encrypted: null, action: null, failure_code: null, failure_message: null })
      .where('payment_id', 'in', done)
      .execute();
    await trx.deleteFrom('pay_sessions').where('payment_id', 'in', done).execute();
    await trx.deleteFrom('outbox').where('payment_id', 'in', done).execute();
    return done.length;
  });
}

/** Erasure of a visitor (the server names their conversations): their payment records anonymised. */
export async function eraseConversations(
  ctx: VaultContext,
  orgId: string,
  conversationIds: string[],
): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = (
      await ctx.store.db
        .selectFrom('payments')
        .select('id')
        .where('org_id', '=', orgId)
        .where('conversation_id', 'in', conversationIds)
        .where('anonymised_at', 'is', null)
        .limit(ANONYMISE_BATCH)
        .execute()
    ).map((r) => r.id);
    if (ids.length === 0) break;
    total += await anonymisePayments(ctx.store.db, ids, new Date());
  }
  if (total > 0) await forgetOldPages(ctx);
  return total;
}

/**
 * SQLite keeps earlier versions of changed pages in its WAL until a checkpoint (secure_delete
 * zeroes freed space in the database file only): the checkpoint copies the anonymised pages back
 * and truncates the WAL, so the erased description is in neither file.
 */
async function forgetOldPages(ctx: VaultContext): Promise<void> {
  if (ctx.store.dialect !== 'sqlite') return;
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(ctx.store.db);
}

/**
 * The vault's own retention period (VAULT_PAYMENT_RETENTION_DAYS): finished records whose last
 * change is older are anonymised, in batches. Nothing happens without a period.
 */
export async function anonymiseExpired(ctx: VaultContext, now = new Date()): Promise<number> {
  const days = ctx.config.paymentRetentionDays;
  if (days === undefined) return 0;
  const before = new Date(now.getTime() - days * DAY_MS).toISOString();
  let total = 0;
  for (;;) {
    const ids = (
      await ctx.store.db
        .selectFrom('payments')
        .select('id')
        .where('status', 'in', [...FINAL_STATUSES])
        .where('updated_at', '<', before)
        .where('anonymised_at', 'is', null)
        .limit(ANONYMISE_BATCH)
        .execute()
    ).map((r) => r.id);
    if (ids.length === 0) break;
    total += await anonymisePayments(ctx.store.db, ids, now);
  }
  if (total > 0) {
    await forgetOldPages(ctx);
    ctx.log.info({ payments: total }, 'retention: payment records anonymised');
  }
  return total;
}
