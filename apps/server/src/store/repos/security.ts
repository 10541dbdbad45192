import { randomUUID } from 'node:crypto';
import type { Connection, Plan } from '../connect';
import { parseStringArray } from '../mappers';
import type {
  AgentMfaTable,
  MfaPolicy,
  OrgSecurityRow,
  OrgSecurityTable,
  SecurityEventRow,
  SecurityRepo,
  ThrottleRow,
} from '../types';

const POLICIES: readonly MfaPolicy[] = ['admins', 'all', 'none'];

function toSettings(orgId: string, r: OrgSecurityTable | undefined): OrgSecurityRow {
  if (!r)
    return {
      orgId,
      mfaPolicy: 'admins',
      ipAllowlist: [],
      webhookUrl: null,
      webhookSecret: null,
      updatedAt: 0,
    };
  return {
    orgId: r.org_id,
    // An unknown value fails closed to the default, never to "none".
    mfaPolicy: POLICIES.includes(r.mfa_policy as MfaPolicy)
      ? (r.mfa_policy as MfaPolicy)
      : 'admins',
    ipAllowlist: parseStringArray(r.ip_allowlist),
    webhookUrl: r.webhook_url,
    webhookSecret: r.webhook_secret,
    updatedAt: Number(r.updated_at),
  };
}

function parseDetail(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export function securityRepo(conn: Connection): SecurityRepo {
  const { db } = conn;

  async function ensureMfaRow(orgId: string, agentId: string): Promise<void> {
    const exists = await db
      .selectFrom('agent_mfa')
      .select('agent_id')
      .where('agent_id', '=', agentId)
      .executeTakeFirst();
    if (exists) return;
    const row: AgentMfaTable = {
      agent_id: agentId,
      org_id: orgId,
      totp_secret: null,
      pending_secret: null,
      enabled_at: null,
      last_step: null,
      must_change_password: 0,
    };
    await db
      .insertInto('agent_mfa')
      .values(row)
      .onConflict((oc) => oc.column('agent_id').doNothing())
      .execute();
  }

  async function settingsRow(orgId: string): Promise<OrgSecurityTable | undefined> {
    return db.selectFrom('org_security').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  }

  return {
    async mfa(orgId, agentId) {
      const r = await db
        .selectFrom('agent_mfa')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .executeTakeFirst();
      if (!r) return undefined;
      return {
        agentId: r.agent_id,
        orgId: r.org_id,
        totpSecret: r.totp_secret,
        pendingSecret: r.pending_secret,
        enabledAt: r.enabled_at === null ? null : Number(r.enabled_at),
        lastStep: r.last_step === null ? null : Number(r.last_step),
        mustChangePassword: r.must_change_password === 1,
      };
    },
    async setPendingSecret(orgId, agentId, secret) {
      await ensureMfaRow(orgId, agentId);
      await db
        .updateTable('agent_mfa')
        .set({ pending_secret: secret })
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .execute();
    },
    async enableTotp(orgId, agentId, now) {
      const r = await db
        .selectFrom('agent_mfa')
        .select('pending_secret')
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .executeTakeFirst();
      if (!r?.pending_secret) return false;
      const res = await db
        .updateTable('agent_mfa')
        .set({
          totp_secret: r.pending_secret,
          pending_secret: null,
          enabled_at: now,
          last_step: null,
        })
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where('pending_secret', '=', r.pending_secret)
        .executeTakeFirst();
      return res.numUpdatedRows > 0n;
    },
    async disableTotp(orgId, agentId) {
      await db
        .updateTable('agent_mfa')
        .set({ totp_secret: null, pending_secret: null, enabled_at: null, last_step: null })
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .execute();
      await db
        .deleteFrom('recovery_codes')
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .execute();
    },
    async useTotpStep(orgId, agentId, step) {
      const res = await db
        .updateTable('agent_mfa')
        .set({ last_step: step })
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
        .executeTakeFirst();
      return res.numUpdatedRows > 0n;
    },
    async setMustChangePassword(orgId, agentId, value) {
      await ensureMfaRow(orgId, agentId);
      await db
        .updateTable('agent_mfa')
        .set({ must_change_password: value ? 1 : 0 })
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .execute();
    },
    async replaceRecoveryCodes(orgId, agentId, hashes) {
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('recovery_codes')
          .where('org_id', '=', orgId)
          .where('agent_id', '=', agentId)
          .execute();
        if (hashes.length > 0) {
          await trx
            .insertInto('recovery_codes')
            .values(
              hashes.map((h) => ({
                id: randomUUID(),
                org_id: orgId,
                agent_id: agentId,
                code_hash: h,
                used_at: null,
              })),
            )
            .execute();
        }
      });
    },
    async useRecoveryCode(orgId, agentId, codeHash, now) {
      const res = await db
        .updateTable('recovery_codes')
        .set({ used_at: now })
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return res.numUpdatedRows > 0n;
    },
    async unusedRecoveryCodes(orgId, agentId) {
      const r = await db
        .selectFrom('recovery_codes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },

    async markSessionMfa(orgId, tokenHash, now) {
      await db
        .insertInto('session_mfa')
        .values({ token_hash: tokenHash, org_id: orgId, verified_at: now })
        .onConflict((oc) => oc.column('token_hash').doUpdateSet({ verified_at: now }))
        .execute();
    },
    async sessionMfaAt(tokenHash) {
      const r = await db
        .selectFrom('session_mfa')
        .select('verified_at')
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return r ? Number(r.verified_at) : undefined;
    },
    async revokeAgentSessions(orgId, agentId, now) {
      const rows = await db
        .selectFrom('agent_sessions')
        .select('token_hash')
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where('revoked_at', 'is', null)
        .execute();
      await db
        .updateTable('agent_sessions')
        .set({ revoked_at: now })
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where('revoked_at', 'is', null)
        .execute();
      return rows.map((r) => r.token_hash);
    },

    async throttle(key) {
      const r = await db
        .selectFrom('auth_throttle')
        .selectAll()
        .where('key', '=', key)
        .executeTakeFirst();
      return (
        r && {
          key: r.key,
          failures: Number(r.failures),
          firstAt: Number(r.first_at),
          lockedUntil: r.locked_until === null ? null : Number(r.locked_until),
        }
      );
    },
    async recordFailure(key, now, opts) {
      function* plan(): Plan<ThrottleRow> {
        const rows = (yield db
          .selectFrom('auth_throttle')
          .selectAll()
          .where('key', '=', key)
          .compile()) as { failures: number; first_at: number; locked_until: number | null }[];
        const r = rows[0];
        const inWindow =
          r !== undefined &&
          now - Number(r.first_at) < opts.windowMs &&
          !(r.locked_until !== null && Number(r.locked_until) <= now);
        const failures = inWindow ? Number(r.failures) + 1 : 1;
        const firstAt = inWindow ? Number(r.first_at) : now;
        const stillLocked =
          r?.locked_until != null && Number(r.locked_until) > now ? Number(r.locked_until) : null;
        const lockedUntil = stillLocked ?? (failures >= opts.max ? now + opts.lockMs : null);
        if (r) {
          yield db
            .updateTable('auth_throttle')
            .set({ failures, first_at: firstAt, locked_until: lockedUntil })
            .where('key', '=', key)
            .compile();
        } else {
          yield db
            .insertInto('auth_throttle')
            .values({ key, failures, first_at: firstAt, locked_until: lockedUntil })
            .compile();
        }
        return { key, failures, firstAt, lockedUntil };
      }
      for (let attempt = 0; ; attempt++) {
        try {
          return await conn.runInTransaction(plan());
        } catch (err) {
          // Two first failures at once both insert; the loser retries as an update.
          if (attempt >= 5) throw err;
        }
      }
    },
    async clearThrottle(key) {
      await db.deleteFrom('auth_throttle').where('key', '=', key).execute();
    },

    async settings(orgId) {
      return toSettings(orgId, await settingsRow(orgId));
    },
    async updateSettings(orgId, patch, now) {
      const current = toSettings(orgId, await settingsRow(orgId));
      const next: OrgSecurityTable = {
        org_id: orgId,
        mfa_policy: patch.mfaPolicy ?? current.mfaPolicy,
        ip_allowlist: JSON.stringify(patch.ipAllowlist ?? current.ipAllowlist),
        webhook_url: patch.webhookUrl !== undefined ? patch.webhookUrl : current.webhookUrl,
        webhook_secret:
          patch.webhookSecret !== undefined ? patch.webhookSecret : current.webhookSecret,
        updated_at: now,
      };
      const { org_id: _id, ...set } = next;
      await db
        .insertInto('org_security')
        .values(next)
        .onConflict((oc) => oc.column('org_id').doUpdateSet(set))
        .execute();
      return toSettings(orgId, next);
    },

    async addEvent(input) {
      const row = {
        id: randomUUID(),
        org_id: input.orgId,
        type: input.type,
        agent_id: input.agentId,
        ip: input.ip,
        detail: JSON.stringify(input.detail),
        created_at: input.createdAt,
      };
      await db.insertInto('security_events').values(row).execute();
      return { ...input, id: row.id };
    },
    async events(orgId, filter) {
      let q = db.selectFrom('security_events').selectAll().where('org_id', '=', orgId);
      if (filter.type !== undefined) q = q.where('type', '=', filter.type);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(filter.limit)
        .execute();
      return rows.map((r): SecurityEventRow => ({
        id: r.id,
        orgId: r.org_id,
        type: r.type,
        agentId: r.agent_id,
        ip: r.ip,
        detail: parseDetail(r.detail),
        createdAt: Number(r.created_at),
      }));
    },
    async eventCounts(orgId) {
      const rows = await db
        .selectFrom('security_events')
        .select(['type', (eb) => eb.fn.countAll<number>().as('n')])
        .where('org_id', '=', orgId)
        .groupBy('type')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
    },
  };
}
