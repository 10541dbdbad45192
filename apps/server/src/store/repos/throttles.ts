import { sql, type Kysely } from 'kysely';
import type { Database, ThrottleRepo, ThrottleRow } from '../types';

interface ThrottleRecord {
  key: string;
  failures: number | string;
  first_at: number | string;
  locked_until: number | string | null;
}

function toRow(r: ThrottleRecord): ThrottleRow {
  return {
    key: r.key,
    failures: Number(r.failures),
    firstAt: Number(r.first_at),
    lockedUntil: r.locked_until === null ? null : Number(r.locked_until),
  };
}

const big = (n: number) => sql`CAST(${n} AS bigint)`;

/**
 * Sign-in throttles and spent proof-of-work challenges. Every counter moves in
 * ONE statement (an upsert with a condition, RETURNING the new row) so that
 * concurrent attempts on any number of nodes never read-then-write: PCI DSS
 * 8.3.4 is enforced by the database, not by the event loop's luck.
 */
export function throttlesRepo(db: Kysely<Database>): ThrottleRepo {
  /** A window is over when it started before `now - windowMs` or its lock has run out. */
  const windowOver = (now: number, windowMs: number) =>
    sql`((auth_throttle.locked_until IS NULL AND auth_throttle.first_at <= ${big(now - windowMs)}) OR (auth_throttle.locked_until IS NOT NULL AND auth_throttle.locked_until <= ${big(now)}))`;

  return {
    async throttle(key) {
      const r = await db
        .selectFrom('auth_throttle')
        .selectAll()
        .where('key', '=', key)
        .executeTakeFirst();
      return r && toRow(r);
    },

    async reserveAttempt(key, now, opts) {
      const over = windowOver(now, opts.windowMs);
      const res = await sql<ThrottleRecord>`
        INSERT INTO auth_throttle (key, failures, first_at, locked_until)
        VALUES (${key}, 1, ${big(now)}, NULL)
        ON CONFLICT (key) DO UPDATE SET
          failures = CASE WHEN ${over} THEN 1 ELSE auth_throttle.failures + 1 END,
          first_at = CASE WHEN ${over} THEN ${big(now)} ELSE auth_throttle.first_at END,
          locked_until = CASE WHEN ${over} THEN NULL ELSE auth_throttle.locked_until END
        WHERE ${over}
          OR (auth_throttle.locked_until IS NULL AND auth_throttle.failures < ${opts.max})
        RETURNING key, failures, first_at, locked_until`.execute(db);
      const row = res.rows[0];
      return row ? { reserved: true, row: toRow(row) } : { reserved: false };
    },

    async lock(key, until) {
      await db
        .updateTable('auth_throttle')
        .set({ locked_until: until })
        .where('key', '=', key)
        .execute();
    },

    async countFailure(key, now, windowMs) {
      const over = windowOver(now, windowMs);
      const res = await sql<ThrottleRecord>`
        INSERT INTO auth_throttle (key, failures, first_at, locked_until)
        VALUES (${key}, 1, ${big(now)}, NULL)
        ON CONFLICT (key) DO UPDATE SET
          failures = CASE WHEN ${over} THEN 1 ELSE auth_throttle.failures + 1 END,
          first_at = CASE WHEN ${over} THEN ${big(now)} ELSE auth_throttle.first_at END
        RETURNING key, failures, first_at, locked_until`.execute(db);
      const row = res.rows[0];
      if (!row) throw new Error('throttle upsert returned no row');
      return toRow(row);
    },

    async clearThrottle(key) {
      await db.deleteFrom('auth_throttle').where('key', '=', key).execute();
    },

    async spendChallenge(signature, expiresAt, now) {
      await db.deleteFrom('auth_challenges_used').where('expires_at', '<', now).execute();
      const res = await db
        .insertInto('auth_challenges_used')
        .values({ signature, expires_at: expiresAt })
        .onConflict((oc) => oc.column('signature').doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
  };
}
