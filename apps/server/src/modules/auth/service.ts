import { ParleyError, type SessionStage } from '@parley/protocol';
import type { Bus } from '../../bus';
import type { Config } from '../../config';
import type { AgentRow, AgentSessionRow, Organisation, Store } from '../../store';
import { randomToken, sha256Hex } from '../../lib/tokens';
import { audit } from '../audit';
import { ipAllowed, type SecurityEvents } from '../security';
import { accountKey, emailKey, type Attempts } from './attempts';
import { verifyPassword } from './password';
import { mfaRequired, type AgentActor } from './policy';

export interface AgentContext {
  actor: AgentActor;
  agent: AgentRow;
  organisation: Organisation;
  session: AgentSessionRow;
  /** `ok` unless the sign-in is not finished (second factor, enrolment, password change). */
  stage: SessionStage;
  /** The idle timeout that applies to this session (the console warns two minutes before). */
  idleMinutes: number;
  /** Locked by the idle timeout (./session-lock.ts): only unlock, sign-out and the waiting count are served. */
  locked: boolean;
  /** Set when the request acts with an API token (modules/api-tokens) instead of a console session. */
  apiToken?: { id: string };
}

/** Bus topic on which every node learns of ended sessions and closes their sockets. */
export const SESSION_TOPIC = 'session:revoked';

export interface AuthServiceDeps {
  store: Store;
  config: Pick<Config, 'sessionIdleMinutes' | 'sessionAbsoluteHours'>;
  bus: Bus;
  events: SecurityEvents;
  attempts: Attempts;
  /** The password check (tests count its calls); argon2id by default. */
  verifyPassword?: (hash: string | undefined, password: string) => Promise<boolean>;
}

/** One-time (invite) passwords stop working after 72 hours (issue 10 finding 11). */
export const ONE_TIME_PASSWORD_MS = 72 * 3_600_000;

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService(deps: AuthServiceDeps) {
  const { store, bus, events, attempts } = deps;
  const checkPassword = deps.verifyPassword ?? verifyPassword;
  const idleMs = deps.config.sessionIdleMinutes * 60_000;
  const absoluteMs = deps.config.sessionAbsoluteHours * 3_600_000;

  async function stageOf(agent: AgentRow, tokenHash: string): Promise<SessionStage> {
    const [mfa, settings, verifiedAt] = await Promise.all([
      store.security.mfa(agent.orgId, agent.id),
      store.security.settings(agent.orgId),
      store.security.sessionMfaAt(tokenHash),
    ]);
    // A registered passkey is a second factor too (docs/security.md "Passkeys").
    const enrolled =
      !!mfa?.totpSecret || (await store.identity.countPasskeys(agent.orgId, agent.id)) > 0;
    if (enrolled && verifiedAt === undefined) return 'mfa_verify';
    if (mfa?.mustChangePassword) return 'password_change';
    // A session whose MFA the IdP vouched for (SSO amr/acr, ./oidc.ts) needs no factor of Parley's own.
    if (!enrolled && mfaRequired(settings.mfaPolicy, agent.role) && verifiedAt === undefined)
      return 'mfa_enrol';
    return 'ok';
  }

  /** The organisation's idle timeout (PCI DSS 8.2.8), or the installation's default. */
  async function idleMsFor(orgId: string): Promise<number> {
    const minutes = (await store.security.settings(orgId)).idleMinutes;
    return minutes !== null ? minutes * 60_000 : idleMs;
  }

  async function contextFor(session: AgentSessionRow): Promise<AgentContext | undefined> {
    const agent = await store.agents.byId(session.orgId, session.agentId);
    if (!agent?.active) return undefined;
    const organisation = await store.orgs.byId(agent.orgId);
    if (!organisation) return undefined;
    return {
      actor: { kind: 'agent', agentId: agent.id, orgId: agent.orgId, role: agent.role },
      agent,
      organisation,
      session,
      stage: await stageOf(agent, session.tokenHash),
      idleMinutes: Math.round((await idleMsFor(agent.orgId)) / 60_000),
      locked: session.lockedAt !== null,
    };
  }

  async function publishRevoked(tokenHashes: string[]): Promise<void> {
    if (tokenHashes.length > 0)
      await bus.publish(SESSION_TOPIC, {
        audience: 'agent',
        frame: JSON.stringify({ tokenHashes }),
      });
  }

  return {
    stageOf,
    publishRevoked,
    idleMsFor,

    async login(
      email: string,
      password: string,
      ip: string,
      altcha?: string,
    ): Promise<{ token: string; context: AgentContext }> {
      const agent = await store.agents.byEmail(email.trim().toLowerCase());
      const orgId = agent?.orgId ?? '';
      const who = { kind: 'anonymous' as const, id: agent?.id ?? null };
      const failure = (reason: string) =>
        audit.record(store, {
          orgId,
          actor: who,
          action: 'auth.sign_in',
          outcome: 'failure',
          ip,
          detail: { reason },
        });
      const subject = {
        key: agent ? accountKey(agent.id) : emailKey(email),
        orgId,
        agentId: agent?.id ?? null,
        ip,
      };
      let slot;
      try {
        slot = await attempts.begin(subject, { altcha });
      } catch (err) {
        if (err instanceof ParleyError)
          await failure(err.code === 'account_locked' ? 'locked' : err.code);
        throw err;
      }
      // The slow check runs only inside a reserved slot (PCI DSS 8.3.4, issue 10 finding 1).
      const ok = await checkPassword(agent?.passwordHash, password);
      if (!agent || !ok || !agent.active) {
        await failure(agent ? 'bad_password' : 'unknown_account');
        await slot.failed('password');
        throw new ParleyError('invalid_credentials');
      }
      await slot.succeeded();
      const now = Date.now();
      const mfa = await store.security.mfa(agent.orgId, agent.id);
      if (mfa?.mustChangePassword && mfa.otpExpiresAt !== null && mfa.otpExpiresAt <= now) {
        await failure('invite_expired');
        throw new ParleyError('invite_expired');
      }
      const settings = await store.security.settings(agent.orgId);
      if (!ipAllowed(settings.ipAllowlist, ip)) {
        await failure('ip_not_allowed');
        await events.emit(agent.orgId, 'ip_blocked', {
          agentId: agent.id,
          ip,
          detail: { at: 'sign_in' },
        });
        throw new ParleyError('ip_not_allowed');
      }
      // A fresh random id at every sign-in: session fixation is impossible.
      const token = randomToken(32);
      const session = await store.sessions.create({
        tokenHash: sha256Hex(token),
        agentId: agent.id,
        orgId: agent.orgId,
        csrfToken: randomToken(24),
        createdAt: now,
        expiresAt: now + absoluteMs,
      });
      await store.security.setSessionIp(session.tokenHash, ip);
      await store.security.proveSession(agent.orgId, session.tokenHash, { passwordAt: now });
      const context = await contextFor(session);
      if (!context) throw new ParleyError('invalid_credentials');
      await audit.record(store, {
        orgId,
        actor: { kind: 'agent', id: agent.id },
        action: 'auth.sign_in',
        outcome: 'success',
        ip,
        detail: { stage: context.stage },
      });
      return { token, context };
    },

    /**
     * A new session for an agent who proved who they are another way (a passkey,
     * single sign-on): the same fresh id, CSRF token and expiry as a password
     * sign-in, with the proofs the caller vouches for. The caller audits.
     */
    async startSession(
      agent: AgentRow,
      ip: string,
      proofs: { passwordAt?: number; factorAt?: number; mfaAt?: number },
    ): Promise<{ token: string; context: AgentContext }> {
      const now = Date.now();
      const token = randomToken(32);
      const session = await store.sessions.create({
        tokenHash: sha256Hex(token),
        agentId: agent.id,
        orgId: agent.orgId,
        csrfToken: randomToken(24),
        createdAt: now,
        expiresAt: now + absoluteMs,
      });
      await store.security.setSessionIp(session.tokenHash, ip);
      await store.security.proveSession(agent.orgId, session.tokenHash, proofs);
      if (proofs.mfaAt !== undefined)
        await store.security.markSessionMfa(agent.orgId, session.tokenHash, proofs.mfaAt);
      const context = await contextFor(session);
      if (!context) throw new ParleyError('invalid_credentials');
      return { token, context };
    },

    /** Resolves a session token to its agent, enforcing idle and absolute timeouts; undefined when not valid. */
    async authenticate(
      token: string | undefined,
      opts: { touch?: boolean; ip?: string } = {},
    ): Promise<AgentContext | undefined> {
      if (!token) return undefined;
      const tokenHash = sha256Hex(token);
      const session = token.length > 128 ? undefined : await store.sessions.byTokenHash(tokenHash);
      const now = Date.now();
      if (!session) {
        // A cookie that never named a session: forged or guessed. No organisation to tell.
        await events.emit('', 'session_forged', {
          ip: opts.ip ?? null,
          detail: { reason: 'unknown_session' },
        });
        return undefined;
      }
      if (session.revokedAt !== null) return undefined;
      if (now >= session.expiresAt) {
        await store.sessions.revoke(tokenHash, now);
        return undefined;
      }
      // Idle: the session locks in place instead of ending (issue 10 item 15); only its
      // absolute expiry ends it. A locked session is never touched, so polling keeps nothing alive.
      if (session.lockedAt !== null) return contextFor(session);
      const idle = await idleMsFor(session.orgId);
      if (now - session.lastSeenAt >= idle) {
        const lockedAt = await store.account.lockSession(tokenHash, session.lastSeenAt + idle);
        return contextFor({ ...session, lockedAt });
      }
      // Touch at most every few seconds: sessions are read on every request.
      if (opts.touch !== false && now - session.lastSeenAt > 5_000) {
        await store.sessions.touch(tokenHash, now);
        // The address the session is used from now, for allowlist changes (finding 4).
        if (opts.ip) await store.security.setSessionIp(tokenHash, opts.ip);
      }
      return contextFor(session);
    },

    /** True while the session (by hash) is neither revoked nor timed out; for sockets' periodic check. */
    async sessionAlive(tokenHash: string): Promise<boolean> {
      const s = await store.sessions.byTokenHash(tokenHash);
      const now = Date.now();
      if (!s || s.revokedAt !== null || s.lockedAt !== null) return false;
      if (now >= s.expiresAt || now - s.lastSeenAt >= (await idleMsFor(s.orgId))) return false;
      const agent = await store.agents.byId(s.orgId, s.agentId);
      return agent?.active === true;
    },

    async touch(tokenHash: string): Promise<void> {
      await store.sessions.touch(tokenHash, Date.now());
    },

    /**
     * A new session id for the same session after the second factor (OWASP:
     * renew the id on every privilege change), keeping its CSRF token, MFA mark
     * and absolute expiry. The old id stops working at once.
     */
    async rotate(ctx: AgentContext): Promise<string> {
      const token = randomToken(32);
      const tokenHash = sha256Hex(token);
      await store.sessions.create({
        tokenHash,
        agentId: ctx.session.agentId,
        orgId: ctx.session.orgId,
        csrfToken: ctx.session.csrfToken,
        createdAt: ctx.session.createdAt,
        expiresAt: ctx.session.expiresAt,
      });
      const verifiedAt = await store.security.sessionMfaAt(ctx.session.tokenHash);
      if (verifiedAt !== undefined)
        await store.security.markSessionMfa(ctx.session.orgId, tokenHash, verifiedAt);
      const proofs = await store.security.sessionProofs(ctx.session.tokenHash);
      await store.security.proveSession(ctx.session.orgId, tokenHash, {
        ...(proofs.passwordAt !== null ? { passwordAt: proofs.passwordAt } : {}),
        ...(proofs.factorAt !== null ? { factorAt: proofs.factorAt } : {}),
      });
      const ip = await store.security.sessionIp(ctx.session.tokenHash);
      if (ip) await store.security.setSessionIp(tokenHash, ip);
      const userAgent = await store.account.userAgent(ctx.session.tokenHash);
      if (userAgent) await store.account.setUserAgent(tokenHash, userAgent);
      // How it signed in (passkey, IdP session for back-channel logout) moves with it.
      const identity = await store.identity.sessionIdentity(ctx.session.tokenHash);
      if (identity) await store.identity.setSessionIdentity(ctx.session.orgId, tokenHash, identity);
      await store.sessions.revoke(ctx.session.tokenHash, Date.now());
      return token;
    },

    async logout(token: string, ctx?: AgentContext, ip?: string): Promise<void> {
      const tokenHash = sha256Hex(token);
      await store.sessions.revoke(tokenHash, Date.now());
      if (ctx)
        await audit.record(store, {
          orgId: ctx.agent.orgId,
          actor: { kind: 'agent', id: ctx.agent.id },
          action: 'auth.sign_out',
          outcome: 'success',
          ip,
        });
      await publishRevoked([tokenHash]);
    },

    /** Ends every session of the agent on every node. */
    async logoutEverywhere(
      orgId: string,
      agentId: string,
      by: { actorId: string; ip: string | undefined },
    ): Promise<number> {
      const hashes = await store.security.revokeAgentSessions(orgId, agentId, Date.now());
      await audit.record(store, {
        orgId,
        actor: { kind: 'agent', id: by.actorId },
        action: 'auth.sign_out_everywhere',
        outcome: 'success',
        ip: by.ip,
        resource: { type: 'agent', id: agentId },
        detail: { sessions: hashes.length },
      });
      await publishRevoked(hashes);
      return hashes.length;
    },
  };
}
