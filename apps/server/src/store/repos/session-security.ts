import type { Kysely } from 'kysely';
import type { Database, SessionSecurityRepo } from '../types';

/** What a session has proven (second factor, recent password), its IP, and its revocation (session_mfa, session_proofs, agent_sessions). */
export function sessionSecurityRepo(db: Kysely<Database>): SessionSecurityRepo {
  return {
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
  };
}
