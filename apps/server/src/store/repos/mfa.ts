import type { Kysely } from 'kysely';
import type { AgentMfaTable, Database, MfaRepo } from '../types';

/** Authenticator (TOTP) secrets and steps, the must-change-password flag and one-time password expiry of an agent (agent_mfa). */
export function mfaRepo(db: Kysely<Database>): MfaRepo {
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
    async setOneTimePasswordExpiry(orgId, agentId, expiresAt) {
      await ensureMfaRow(orgId, agentId);
      await db
        .updateTable('agent_mfa')
        .set({ otp_expires_at: expiresAt })
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .execute();
    },
  };
}
