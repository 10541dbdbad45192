import { randomUUID } from 'node:crypto';
import type { Connection, Plan } from '../connect';
import { siemOutboxInserts } from './siem';
import { parseStringArray } from '../mappers';
import type {
  AgentMfaTable,
  MfaPolicy,
  OrgSecurityRow,
  OrgSecurityTable,
  SecurityEventRow,
  SecurityRepo,
} from '../types';
import { throttlesRepo } from './throttles';

const POLICIES: readonly MfaPolicy[] = ['admins', 'all', 'none'];

function toSettings(orgId: string, r: OrgSecurityTable | undefined): OrgSecurityRow {
  if (!r)
    return {
      orgId,
      mfaPolicy: 'admins',
      ipAllowlist: [],
      webhookUrl: null,
      webhookSecret: null,
      idleMinutes: null,
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
    idleMinutes: r.idle_minutes === null ? null : Number(r.idle_minutes),
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

function toEventRow(r: {
  id: string;
  org_id: string;
  type: string;
  agent_id: string | null;
  ip: string | null;
  detail: string;
  created_at: number | string;
}): SecurityEventRow {
  return {
    id: r.id,
    orgId: r.org_id,
    type: r.type,
    agentId: r.agent_id,
    ip: r.ip,
    detail: parseDetail(r.detail),
    createdAt: Number(r.created_at),
  };
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
      otp_expires_at: null,
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
        mustChangePassword: Number(r.must_change_password) === 1,
        otpExpiresAt: r.otp_expires_at === null ? null : Number(r.otp_expires_at),
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

    ...throttlesRepo(db),

    async setOneTimePasswordExpiry(orgId, agentId, expiresAt) {
      await ensureMfaRow(orgId, agentId);
      await db
        .updateTable('agent_mfa')
        .set({ otp_expires_at: expiresAt })
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .execute();
    },
    async proveSession(orgId, tokenHash, proof) {
      const set: { password_at?: number; factor_at?: number } = {};
      if (proof.passwordAt !== undefined) set.password_at = proof.passwordAt;
      if (proof.factorAt !== undefined) set.factor_at = proof.factorAt;
      await db
        .insertInto('session_proofs')
        .values({
          token_hash: tokenHash,
          org_id: orgId,
          password_at: proof.passwordAt ?? null,
          factor_at: proof.factorAt ?? null,
        })
        .onConflict((oc) => oc.column('token_hash').doUpdateSet(set))
        .execute();
    },
    async sessionProofs(tokenHash) {
      const r = await db
        .selectFrom('session_proofs')
        .select(['password_at', 'factor_at'])
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return {
        passwordAt: r?.password_at == null ? null : Number(r.password_at),
        factorAt: r?.factor_at == null ? null : Number(r.factor_at),
      };
    },
    async setSessionIp(tokenHash, ip) {
      await db
        .updateTable('agent_sessions')
        .set({ ip })
        .where('token_hash', '=', tokenHash)
        .execute();
    },
    async sessionIp(tokenHash) {
      const r = await db
        .selectFrom('agent_sessions')
        .select('ip')
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return r?.ip ?? null;
    },
    async liveSessions(orgId, now) {
      const rows = await db
        .selectFrom('agent_sessions')
        .select(['token_hash', 'agent_id', 'ip'])
        .where('org_id', '=', orgId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .execute();
      return rows.map((r) => ({ tokenHash: r.token_hash, agentId: r.agent_id, ip: r.ip }));
    },
    async revokeSessions(orgId, tokenHashes, now) {
      if (tokenHashes.length === 0) return;
      await db
        .updateTable('agent_sessions')
        .set({ revoked_at: now })
        .where('org_id', '=', orgId)
        .where('token_hash', 'in', tokenHashes)
        .where('revoked_at', 'is', null)
        .execute();
    },
    async secretColumns() {
      const out: Awaited<ReturnType<SecurityRepo['secretColumns']>> = [];
      const mfa = await db
        .selectFrom('agent_mfa')
        .select(['agent_id', 'totp_secret', 'pending_secret'])
        .execute();
      for (const r of mfa) {
        if (r.totp_secret !== null)
          out.push({
            table: 'agent_mfa',
            id: r.agent_id,
            column: 'totp_secret',
            value: r.totp_secret,
          });
        if (r.pending_secret !== null)
          out.push({
            table: 'agent_mfa',
            id: r.agent_id,
            column: 'pending_secret',
            value: r.pending_secret,
          });
      }
      const orgs = await db
        .selectFrom('org_security')
        .select(['org_id', 'webhook_secret'])
        .execute();
      for (const r of orgs)
        if (r.webhook_secret !== null)
          out.push({
            table: 'org_security',
            id: r.org_id,
            column: 'webhook_secret',
            value: r.webhook_secret,
          });
      return out;
    },
    async setSecretColumn(table, id, column, value) {
      if (table === 'agent_mfa') {
        const col = column === 'pending_secret' ? 'pending_secret' : 'totp_secret';
        await db
          .updateTable('agent_mfa')
          .set({ [col]: value })
          .where('agent_id', '=', id)
          .execute();
      } else {
        await db
          .updateTable('org_security')
          .set({ webhook_secret: value })
          .where('org_id', '=', id)
          .execute();
      }
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
        idle_minutes: patch.idleMinutes !== undefined ? patch.idleMinutes : current.idleMinutes,
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

    async addEvent(input, exportTo = []) {
      const row = {
        id: randomUUID(),
        org_id: input.orgId,
        type: input.type,
        agent_id: input.agentId,
        ip: input.ip,
        detail: JSON.stringify(input.detail),
        created_at: input.createdAt,
      };
      const insert = db.insertInto('security_events').values(row);
      if (exportTo.length === 0) await insert.execute();
      else {
        // The event and its SIEM outbox rows commit together (issue 17 item 3).
        const queries = [
          insert.compile(),
          ...siemOutboxInserts(db, exportTo, 'security', input.orgId, row.id, input.createdAt),
        ];
        await conn.runInTransaction(
          (function* (): Plan<void> {
            for (const q of queries) yield q;
          })(),
        );
      }
      return { ...input, id: row.id };
    },
    async eventsByIds(list) {
      if (list.length === 0) return [];
      const rows = await db
        .selectFrom('security_events')
        .selectAll()
        .where('id', 'in', list)
        .execute();
      return rows.map(toEventRow);
    },
    async events(orgId, filter) {
      let q = db.selectFrom('security_events').selectAll().where('org_id', '=', orgId);
      if (filter.type !== undefined) q = q.where('type', '=', filter.type);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(filter.limit)
        .execute();
      return rows.map(toEventRow);
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
