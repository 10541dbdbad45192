import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type {
  AccountRepo,
  AgentSessionView,
  Database,
  MailAttemptRow,
  MailRepo,
  MailRow,
  MailStatus,
} from '../types';

interface MailRecord {
  id: string;
  org_id: string;
  idempotency_key: string;
  to_addr: string;
  template: string;
  data: string;
  status: string;
  attempts: number | string;
  next_at: number | string;
  lease_until: number | string | null;
  lease_owner: string | null;
  last_error: string | null;
  created_at: number | string;
  sent_at: number | string | null;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));
const big = (n: number) => sql`CAST(${n} AS bigint)`;

function toMail(r: MailRecord): MailRow {
  return {
    id: r.id,
    orgId: r.org_id,
    idempotencyKey: r.idempotency_key,
    to: r.to_addr,
    template: r.template,
    data: r.data,
    status: r.status as MailStatus,
    attempts: Number(r.attempts),
    nextAt: Number(r.next_at),
    leaseUntil: num(r.lease_until),
    leaseOwner: r.lease_owner,
    lastError: r.last_error,
    createdAt: Number(r.created_at),
    sentAt: num(r.sent_at),
  };
}

/**
 * The mail queue. Every state change is one conditional statement, so any
 * number of nodes can drain the same queue: a claim takes a lease only on a
 * row that is due and unowned (or whose owner's lease ran out), and only the
 * lease owner may mark the outcome.
 */
export function mailRepo(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): MailRepo {
  // PostgreSQL: concurrent claimants skip a row another is taking instead of queueing behind it.
  // SQLite has one writer, so its statements never overlap.
  const skipLocked = dialect === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  const byKey = async (key: string) => {
    const r = await db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return r && toMail(r);
  };
  return {
    byKey,
    async enqueue(input) {
      const res = await db
        .insertInto('mail_outbox')
        .values({
          id: randomUUID(),
          org_id: input.orgId,
          idempotency_key: input.idempotencyKey,
          to_addr: input.to,
          template: input.template,
          data: input.data,
          status: 'pending',
          attempts: 0,
          next_at: input.now,
          created_at: input.now,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .executeTakeFirst();
      const inserted = Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
      const row = await byKey(input.idempotencyKey);
      if (!row) throw new Error('mail_outbox: enqueued row not found');
      return { row, duplicate: !inserted };
    },

    async claim(owner, now, leaseMs) {
      const due = sql`((status = 'pending' AND next_at <= ${big(now)}) OR (status = 'sending' AND lease_until <= ${big(now)}))`;
      // The outer condition repeats `due`: on PostgreSQL a second claimant that
      // waited for the row lock re-checks it against the new row and gets nothing.
      const res = await sql<MailRecord>`
        UPDATE mail_outbox SET
          status = 'sending',
          lease_owner = ${owner},
          lease_until = ${big(now + leaseMs)},
          attempts = attempts + 1
        WHERE id = (SELECT id FROM mail_outbox WHERE ${due} ORDER BY next_at, created_at LIMIT 1 ${skipLocked})
          AND ${due}
        RETURNING *`.execute(db);
      const row = res.rows[0];
      return row && toMail(row);
    },

    async markSent(id, owner, now) {
      const res = await db
        .updateTable('mail_outbox')
        .set({ status: 'sent', sent_at: now, data: '', lease_until: null, last_error: null })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .where('status', '=', 'sending')
        .executeTakeFirst();
      const ok = Number(res.numUpdatedRows) > 0;
      if (ok) await recordAttempt(db, id, now, 'sent', null);
      return ok;
    },

    async markFailed(id, owner, now, error, nextAt) {
      const res = await db
        .updateTable('mail_outbox')
        .set(
          nextAt === null
            ? { status: 'failed', lease_until: null, last_error: error, data: '' }
            : { status: 'pending', lease_until: null, last_error: error, next_at: nextAt },
        )
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .where('status', '=', 'sending')
        .executeTakeFirst();
      const ok = Number(res.numUpdatedRows) > 0;
      if (ok) await recordAttempt(db, id, now, nextAt === null ? 'failed' : 'retry', error);
      return ok;
    },

    async byId(id) {
      const r = await db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toMail(r);
    },

    async attempts(id): Promise<MailAttemptRow[]> {
      const rows = await db
        .selectFrom('mail_attempts')
        .selectAll()
        .where('outbox_id', '=', id)
        .orderBy('attempt')
        .execute();
      return rows.map((r) => ({
        attempt: Number(r.attempt),
        at: Number(r.at),
        outcome: r.outcome,
        error: r.error,
      }));
    },
  };
}

async function recordAttempt(
  db: Kysely<Database>,
  id: string,
  at: number,
  outcome: 'sent' | 'retry' | 'failed',
  error: string | null,
): Promise<void> {
  const row = await db
    .selectFrom('mail_outbox')
    .select('attempts')
    .where('id', '=', id)
    .executeTakeFirst();
  await db
    .insertInto('mail_attempts')
    .values({ outbox_id: id, attempt: Number(row?.attempts ?? 0), at, outcome, error })
    .onConflict((oc) => oc.columns(['outbox_id', 'attempt']).doNothing())
    .execute();
}

export function accountRepo(db: Kysely<Database>): AccountRepo {
  return {
    async setUserAgent(tokenHash, userAgent) {
      await db
        .updateTable('agent_sessions')
        .set({ user_agent: userAgent.slice(0, 512) })
        .where('token_hash', '=', tokenHash)
        .execute();
    },
    async userAgent(tokenHash) {
      const r = await db
        .selectFrom('agent_sessions')
        .select('user_agent')
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return r?.user_agent ?? null;
    },
    async lockSession(tokenHash, at) {
      await db
        .updateTable('agent_sessions')
        .set({ locked_at: at })
        .where('token_hash', '=', tokenHash)
        .where('locked_at', 'is', null)
        .where('revoked_at', 'is', null)
        .execute();
      const r = await db
        .selectFrom('agent_sessions')
        .select('locked_at')
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return num(r?.locked_at ?? null);
    },
    async lockedAt(tokenHash) {
      const r = await db
        .selectFrom('agent_sessions')
        .select('locked_at')
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return num(r?.locked_at ?? null);
    },
    async unlockSession(tokenHash, now) {
      await db
        .updateTable('agent_sessions')
        .set({ locked_at: null, last_seen_at: now })
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .execute();
    },
    async agentSessions(orgId, agentId, now): Promise<AgentSessionView[]> {
      const rows = await db
        .selectFrom('agent_sessions')
        .select([
          'token_hash',
          'agent_id',
          'ip',
          'user_agent',
          'created_at',
          'last_seen_at',
          'expires_at',
          'locked_at',
        ])
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('last_seen_at', 'desc')
        .execute();
      return rows.map((r) => ({
        tokenHash: r.token_hash,
        agentId: r.agent_id,
        ip: r.ip,
        userAgent: r.user_agent,
        createdAt: Number(r.created_at),
        lastSeenAt: Number(r.last_seen_at),
        expiresAt: Number(r.expires_at),
        lockedAt: num(r.locked_at),
      }));
    },
    async createUnlockToken(input) {
      await db
        .insertInto('unlock_tokens')
        .values({
          token_hash: input.tokenHash,
          org_id: input.orgId,
          agent_id: input.agentId,
          created_at: input.now,
          expires_at: input.expiresAt,
        })
        .execute();
    },
    async spendUnlockToken(tokenHash, now) {
      const res = await sql<{ org_id: string; agent_id: string }>`
        UPDATE unlock_tokens SET used_at = ${big(now)}
        WHERE token_hash = ${tokenHash} AND used_at IS NULL AND expires_at > ${big(now)}
        RETURNING org_id, agent_id`.execute(db);
      const r = res.rows[0];
      return r && { orgId: r.org_id, agentId: r.agent_id };
    },
    async deleteUnlockToken(tokenHash) {
      await db.deleteFrom('unlock_tokens').where('token_hash', '=', tokenHash).execute();
    },
  };
}
