import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Role } from '@parley/protocol';
import { parseStringArray } from '../mappers';
import type {
  Database,
  IdentityRepo,
  OrgIdentityRow,
  OrgIdentityTable,
  PasskeyRow,
  PasskeysTable,
  SessionIdentityTable,
} from '../types';

const ROLES: readonly Role[] = ['admin', 'supervisor', 'agent'];
const roleOf = (v: unknown, fallback: Role): Role =>
  ROLES.includes(v as Role) ? (v as Role) : fallback;

function toPasskey(r: PasskeysTable): PasskeyRow {
  return {
    id: r.id,
    orgId: r.org_id,
    agentId: r.agent_id,
    credentialId: r.credential_id,
    publicKey: r.public_key,
    counter: Number(r.counter),
    transports: parseStringArray(r.transports),
    name: r.name,
    backedUp: Number(r.backed_up) === 1,
    createdAt: Number(r.created_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
  };
}

function parseRoleMap(json: string): Record<string, Role> {
  const out: Record<string, Role> = {};
  try {
    const v: unknown = JSON.parse(json);
    if (typeof v === 'object' && v !== null && !Array.isArray(v))
      for (const [k, role] of Object.entries(v as Record<string, unknown>))
        // An unknown role is dropped, never widened.
        if (ROLES.includes(role as Role)) out[k] = role as Role;
  } catch {
    // unreadable map: no mapping, every user gets the default role
  }
  return out;
}

function toSettings(orgId: string, r: OrgIdentityTable | undefined): OrgIdentityRow {
  return {
    orgId,
    requirePasskeyForAdmins: Number(r?.require_passkey_admins ?? 0) === 1,
    sso: {
      enabled: Number(r?.sso_enabled ?? 0) === 1,
      issuer: r?.issuer ?? null,
      clientId: r?.client_id ?? null,
      clientSecret: r?.client_secret ?? null,
      scopes: r?.scopes ?? 'openid email profile',
      roleClaim: r?.role_claim ?? null,
      roleMap: parseRoleMap(r?.role_map ?? '{}'),
      // Fails closed to the least privilege.
      defaultRole: roleOf(r?.default_role, 'agent'),
      jit: Number(r?.jit ?? 0) === 1,
      mfaAmr: parseStringArray(r?.mfa_amr ?? '[]'),
      mfaAcr: parseStringArray(r?.mfa_acr ?? '[]'),
    },
    updatedAt: Number(r?.updated_at ?? 0),
  };
}

export function identityRepo(db: Kysely<Database>): IdentityRepo {
  return {
    async passkeys(orgId, agentId) {
      const rows = await db
        .selectFrom('passkeys')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .orderBy('created_at')
        .execute();
      return rows.map(toPasskey);
    },
    async passkeyByCredentialId(credentialId) {
      const r = await db
        .selectFrom('passkeys')
        .selectAll()
        .where('credential_id', '=', credentialId)
        .executeTakeFirst();
      return r ? toPasskey(r) : undefined;
    },
    async addPasskey(input) {
      const row: PasskeysTable = {
        id: randomUUID(),
        org_id: input.orgId,
        agent_id: input.agentId,
        credential_id: input.credentialId,
        public_key: input.publicKey,
        counter: input.counter,
        transports: JSON.stringify(input.transports),
        name: input.name,
        backed_up: input.backedUp ? 1 : 0,
        created_at: input.createdAt,
        last_used_at: null,
      };
      await db.insertInto('passkeys').values(row).execute();
      return toPasskey(row);
    },
    async usePasskey(id, counter, now) {
      // One conditional update: two assertions replaying the same counter cannot both pass.
      // Authenticators that never count (counter 0, e.g. synced passkeys) stay at 0.
      const r = await db
        .updateTable('passkeys')
        .set({ counter, last_used_at: now })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([eb('counter', '<', counter), ...(counter === 0 ? [eb('counter', '=', 0)] : [])]),
        )
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async removePasskey(orgId, agentId, id) {
      const r = await db
        .deleteFrom('passkeys')
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },
    async countPasskeys(orgId, agentId) {
      const r = await db
        .selectFrom('passkeys')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },

    async createChallenge(input) {
      const id = randomUUID();
      await db
        .insertInto('webauthn_challenges')
        .values({
          id,
          org_id: input.orgId,
          agent_id: input.agentId,
          purpose: input.purpose,
          challenge: input.challenge,
          expires_at: input.expiresAt,
          used_at: null,
        })
        .execute();
      // Spent and expired challenges are swept as new ones are made: the table stays small.
      await db
        .deleteFrom('webauthn_challenges')
        .where('expires_at', '<', Date.now() - 3_600_000)
        .execute();
      return id;
    },
    async spendChallenge(id, purpose, now) {
      const r = await db
        .updateTable('webauthn_challenges')
        .set({ used_at: now })
        .where('id', '=', id)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return undefined;
      const row = await db
        .selectFrom('webauthn_challenges')
        .select(['org_id', 'agent_id', 'challenge'])
        .where('id', '=', id)
        .executeTakeFirst();
      return row
        ? { orgId: row.org_id, agentId: row.agent_id, challenge: row.challenge }
        : undefined;
    },

    async settings(orgId) {
      const r = await db
        .selectFrom('org_identity')
        .selectAll()
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      return toSettings(orgId, r);
    },
    async saveSettings(orgId, patch, now, tx) {
      const read = db.selectFrom('org_identity').selectAll().where('org_id', '=', orgId);
      const current = toSettings(
        orgId,
        tx ? (await tx.execute(read))[0] : await read.executeTakeFirst(),
      );
      const sso = { ...current.sso, ...patch.sso };
      const row: OrgIdentityTable = {
        org_id: orgId,
        require_passkey_admins:
          (patch.requirePasskeyForAdmins ?? current.requirePasskeyForAdmins) ? 1 : 0,
        sso_enabled: sso.enabled ? 1 : 0,
        issuer: sso.issuer,
        client_id: sso.clientId,
        client_secret: sso.clientSecret,
        scopes: sso.scopes,
        role_claim: sso.roleClaim,
        role_map: JSON.stringify(sso.roleMap),
        default_role: sso.defaultRole,
        jit: sso.jit ? 1 : 0,
        mfa_amr: JSON.stringify(sso.mfaAmr),
        mfa_acr: JSON.stringify(sso.mfaAcr),
        updated_at: now,
      };
      const { org_id: _id, ...rest } = row;
      const write = db
        .insertInto('org_identity')
        .values(row)
        .onConflict((oc) => oc.column('org_id').doUpdateSet(rest));
      if (tx) await tx.execute(write);
      else await write.execute();
      return toSettings(orgId, row);
    },

    async createFlow(input) {
      await db
        .insertInto('oidc_flows')
        .values({
          state: input.state,
          org_id: input.orgId,
          code_verifier: input.codeVerifier,
          nonce: input.nonce,
          expires_at: input.expiresAt,
          used_at: null,
        })
        .execute();
      await db
        .deleteFrom('oidc_flows')
        .where('expires_at', '<', Date.now() - 3_600_000)
        .execute();
    },
    async spendFlow(state, now) {
      const r = await db
        .updateTable('oidc_flows')
        .set({ used_at: now })
        .where('state', '=', state)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return undefined;
      const row = await db
        .selectFrom('oidc_flows')
        .select(['org_id', 'code_verifier', 'nonce'])
        .where('state', '=', state)
        .executeTakeFirst();
      return row
        ? { orgId: row.org_id, codeVerifier: row.code_verifier, nonce: row.nonce }
        : undefined;
    },

    async agentBySubject(orgId, issuer, subject) {
      const r = await db
        .selectFrom('agent_oidc')
        .select('agent_id')
        .where('org_id', '=', orgId)
        .where('issuer', '=', issuer)
        .where('subject', '=', subject)
        .executeTakeFirst();
      return r?.agent_id;
    },
    async linkSubject(orgId, issuer, subject, agentId) {
      await db
        .insertInto('agent_oidc')
        .values({ org_id: orgId, issuer, subject, agent_id: agentId })
        .onConflict((oc) => oc.columns(['org_id', 'issuer', 'subject']).doNothing())
        .execute();
    },

    async setSessionIdentity(orgId, tokenHash, identity) {
      const current = await db
        .selectFrom('session_identity')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      const row: SessionIdentityTable = {
        token_hash: tokenHash,
        org_id: orgId,
        method: identity.method ?? current?.method ?? 'password',
        passkey_at:
          identity.passkeyAt !== undefined ? identity.passkeyAt : (current?.passkey_at ?? null),
        oidc_issuer: identity.oidcIssuer ?? current?.oidc_issuer ?? null,
        oidc_subject: identity.oidcSubject ?? current?.oidc_subject ?? null,
        oidc_sid: identity.oidcSid ?? current?.oidc_sid ?? null,
      };
      const { token_hash: _t, ...rest } = row;
      await db
        .insertInto('session_identity')
        .values(row)
        .onConflict((oc) => oc.column('token_hash').doUpdateSet(rest))
        .execute();
    },
    async sessionIdentity(tokenHash) {
      const r = await db
        .selectFrom('session_identity')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!r) return undefined;
      return {
        method:
          (['password', 'passkey', 'oidc'] as const).find((m) => m === r.method) ?? 'password',
        passkeyAt: r.passkey_at === null ? null : Number(r.passkey_at),
        oidcIssuer: r.oidc_issuer,
        oidcSubject: r.oidc_subject,
        oidcSid: r.oidc_sid,
      };
    },
    async oidcSessions(orgId, issuer, match, now) {
      if (match.sub === undefined && match.sid === undefined) return [];
      let q = db
        .selectFrom('session_identity')
        .innerJoin('agent_sessions', 'agent_sessions.token_hash', 'session_identity.token_hash')
        .select('session_identity.token_hash')
        .where('session_identity.org_id', '=', orgId)
        .where('session_identity.oidc_issuer', '=', issuer)
        .where('agent_sessions.revoked_at', 'is', null)
        .where('agent_sessions.expires_at', '>', now);
      if (match.sub !== undefined) q = q.where('session_identity.oidc_subject', '=', match.sub);
      if (match.sid !== undefined) q = q.where('session_identity.oidc_sid', '=', match.sid);
      return (await q.execute()).map((r) => r.token_hash);
    },
  };
}
