import { ParleyError, type SessionStage } from '@parley/protocol';
import type { Bus } from '../../bus';
import type { Config } from '../../config';
import type { AgentRow, AgentSessionRow, Organisation, Store } from '../../store';
import { randomToken, sha256Hex } from '../../lib/tokens';
import { audit } from '../audit';
import { ipAllowed, type SecurityEvents } from '../security';
import { verifyPassword } from './password';
import { mfaRequired, type AgentActor } from './policy';

export interface AgentContext {
  actor: AgentActor;
  agent: AgentRow;
  organisation: Organisation;
  session: AgentSessionRow;
  /** `ok` unless the sign-in is not finished (second factor, enrolment, password change). */
  stage: SessionStage;
}

/** Bus topic on which every node learns of ended sessions and closes their sockets. */
export const SESSION_TOPIC = 'session:revoked';

// PCI DSS 8.3.4: at most 10 failed attempts, then locked for at least 30 minutes.
export const LOCKOUT = { max: 10, windowMs: 30 * 60_000, lockMs: 30 * 60_000 } as const;
export const accountKey = (agentId: string) => `agent:${agentId}`;
export const ipKey = (ip: string) => `ip:${ip}`;

export interface AuthServiceDeps {
  store: Store;
  config: Pick<Config, 'sessionIdleMinutes' | 'sessionAbsoluteHours'>;
  bus: Bus;
  events: SecurityEvents;
}

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService(deps: AuthServiceDeps) {
  const { store, bus, events } = deps;
  const idleMs = deps.config.sessionIdleMinutes * 60_000;
  const absoluteMs = deps.config.sessionAbsoluteHours * 3_600_000;

  async function stageOf(agent: AgentRow, tokenHash: string): Promise<SessionStage> {
    const [mfa, settings, verifiedAt] = await Promise.all([
      store.security.mfa(agent.orgId, agent.id),
      store.security.settings(agent.orgId),
      store.security.sessionMfaAt(tokenHash),
    ]);
    const enrolled = !!mfa?.totpSecret;
    if (enrolled && verifiedAt === undefined) return 'mfa_verify';
    if (mfa?.mustChangePassword) return 'password_change';
    if (!enrolled && mfaRequired(settings.mfaPolicy, agent.role)) return 'mfa_enrol';
    return 'ok';
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
    };
  }

  async function publishRevoked(tokenHashes: string[]): Promise<void> {
    if (tokenHashes.length > 0)
      await bus.publish(SESSION_TOPIC, {
        audience: 'agent',
        frame: JSON.stringify({ tokenHashes }),
      });
  }

  /** Counts a failed attempt against the account and the address; reports new lockouts. */
  async function fail(agent: AgentRow | undefined, ip: string, reason: string): Promise<void> {
    const now = Date.now();
    const byIp = await store.security.recordFailure(ipKey(ip), now, LOCKOUT);
    if (byIp.failures === LOCKOUT.max)
      await events.emit(agent?.orgId ?? '', 'ip_locked', {
        agentId: agent?.id ?? null,
        ip,
        detail: { reason },
      });
    if (!agent) return;
    const byAccount = await store.security.recordFailure(accountKey(agent.id), now, LOCKOUT);
    if (byAccount.failures === LOCKOUT.max) {
      await events.emit(agent.orgId, 'account_locked', {
        agentId: agent.id,
        ip,
        detail: { reason },
      });
      await publishRevoked(await store.security.revokeAgentSessions(agent.orgId, agent.id, now));
    }
  }

  async function lockedOut(agent: AgentRow | undefined, ip: string): Promise<boolean> {
    const now = Date.now();
    const keys = [ipKey(ip), ...(agent ? [accountKey(agent.id)] : [])];
    for (const key of keys) {
      const t = await store.security.throttle(key);
      if (t?.lockedUntil != null && t.lockedUntil > now) return true;
    }
    return false;
  }

  return {
    stageOf,
    publishRevoked,
    recordFailure: fail,

    async login(
      email: string,
      password: string,
      ip: string,
    ): Promise<{ token: string; context: AgentContext }> {
      const agent = await store.agents.byEmail(email.trim().toLowerCase());
      const orgId = agent?.orgId ?? '';
      const who = { kind: 'anonymous' as const, id: agent?.id ?? null };
      if (await lockedOut(agent, ip)) {
        await audit.record(store, {
          orgId,
          actor: who,
          action: 'auth.sign_in',
          outcome: 'failure',
          ip,
          detail: { reason: 'locked' },
        });
        throw new ParleyError('account_locked');
      }
      const ok = await verifyPassword(agent?.passwordHash, password);
      if (!agent || !ok || !agent.active) {
        await audit.record(store, {
          orgId,
          actor: who,
          action: 'auth.sign_in',
          outcome: 'failure',
          ip,
          detail: { reason: agent ? 'bad_password' : 'unknown_account' },
        });
        await fail(agent, ip, 'password');
        throw new ParleyError('invalid_credentials');
      }
      const settings = await store.security.settings(agent.orgId);
      if (!ipAllowed(settings.ipAllowlist, ip)) {
        await audit.record(store, {
          orgId,
          actor: who,
          action: 'auth.sign_in',
          outcome: 'failure',
          ip,
          detail: { reason: 'ip_not_allowed' },
        });
        await events.emit(agent.orgId, 'ip_blocked', {
          agentId: agent.id,
          ip,
          detail: { at: 'sign_in' },
        });
        throw new ParleyError('ip_not_allowed');
      }
      await store.security.clearThrottle(accountKey(agent.id));
      const now = Date.now();
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
      if (now >= session.expiresAt || now - session.lastSeenAt >= idleMs) {
        await store.sessions.revoke(tokenHash, now);
        return undefined;
      }
      // Touch at most every few seconds: sessions are read on every request.
      if (opts.touch !== false && now - session.lastSeenAt > 5_000)
        await store.sessions.touch(tokenHash, now);
      return contextFor(session);
    },

    /** True while the session (by hash) is neither revoked nor timed out; for sockets' periodic check. */
    async sessionAlive(tokenHash: string): Promise<boolean> {
      const s = await store.sessions.byTokenHash(tokenHash);
      const now = Date.now();
      if (!s || s.revokedAt !== null) return false;
      if (now >= s.expiresAt || now - s.lastSeenAt >= idleMs) return false;
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
