/**
 * The pay session: a single-use pay link exchanged once for a session cookie,
 * and the return token that stands in for the cookie after a cross-site 3-D
 * Secure redirect.
 */
import type { VaultContext } from '../../context';
import { randomToken, returnToken, sameToken, sha256Hex } from '../../lib/crypto';
import { paySessionsRepo } from '../../store/repos/pay-sessions';
import type { PaymentRow } from '../../store/types';
import { expireIfDue } from '../payments';
import { changePayment } from '../payments';

export type LinkRefusal = 'unknown' | 'used' | 'expired' | 'closed';

type Opened =
  | { ok: true; payment: PaymentRow; sessionToken: string; sessionExpiresAt: string }
  | { ok: false; reason: LinkRefusal };

/** Burns a pay link and opens a session for it; a link works once. */
export async function openPayLink(ctx: VaultContext, token: string): Promise<Opened> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { ok: false, reason: 'unknown' };
  const hash = sha256Hex(token);
  const found = await ctx.store.payments.byLinkHash(ctx.store.db, hash);
  if (!found) return { ok: false, reason: 'unknown' };
  await expireIfDue(ctx, found.id);
  const sessionToken = randomToken();
  const result = await ctx.store.db.transaction().execute(async (trx): Promise<Opened> => {
    const row = await ctx.store.payments.lock(trx, found.id);
    if (!row || row.link_hash !== hash) return { ok: false, reason: 'unknown' };
    if (row.link_used_at) return { ok: false, reason: 'used' };
    if (row.status === 'expired' || Date.parse(row.expires_at) <= Date.now())
      return { ok: false, reason: 'expired' };
    if (row.status !== 'created' && row.status !== 'opened') return { ok: false, reason: 'closed' };
    const now = new Date().toISOString();
    // The session lives a little past the request, for a 3-D Secure step begun in time.
    const sessionExpiresAt = new Date(Date.parse(row.expires_at) + 15 * 60_000).toISOString();
    await paySessionsRepo.insert(trx, {
      token_hash: sha256Hex(sessionToken),
      payment_id: row.id,
      created_at: now,
      expires_at: sessionExpiresAt,
    });
    const burned = { link_used_at: now };
    const payment =
      row.status === 'created'
        ? await changePayment(ctx, trx, row, { ...burned, status: 'opened' })
        : await ctx.store.payments.patch(trx, row.id, burned);
    return { ok: true, payment, sessionToken, sessionExpiresAt };
  });
  if (result.ok) {
    ctx.outbox.kick();
    ctx.log.info({ paymentId: result.payment.id }, 'pay link opened');
  }
  return result;
}

/** True when the session cookie is valid for that payment. */
export async function checkSession(
  ctx: VaultContext,
  paymentId: string,
  sessionToken: string | undefined,
): Promise<boolean> {
  if (!sessionToken) return false;
  const session = await paySessionsRepo.byTokenHash(ctx.store.db, sha256Hex(sessionToken));
  return (
    !!session && session.payment_id === paymentId && Date.parse(session.expires_at) > Date.now()
  );
}

/** True when a 3-D Secure return carries the token of this payment's charge. */
export async function checkReturnToken(
  ctx: VaultContext,
  paymentId: string,
  token: string | undefined,
): Promise<boolean> {
  if (!token) return false;
  const charge = await ctx.store.charges.forPayment(ctx.store.db, paymentId);
  return !!charge && sameToken(token, returnToken(ctx.keys.link, paymentId, charge.id));
}
