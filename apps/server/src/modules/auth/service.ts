import { ParleyError } from '@parley/protocol';
import type { Config } from '../../config';
import type { AgentRow, AgentSessionRow, Organisation, Store } from '../../store';
import { randomToken, sha256Hex } from '../../lib/tokens';
import { verifyPassword } from './password';
import type { AgentActor } from './policy';

export interface AgentContext {
  actor: AgentActor;
  agent: AgentRow;
  organisation: Organisation;
  session: AgentSessionRow;
}

export interface AuthService {
  login(email: string, password: string): Promise<{ token: string; context: AgentContext }>;
  /** Resolves a session token to its agent, enforcing idle and absolute timeouts; undefined when not valid. */
  authenticate(token: string | undefined): Promise<AgentContext | undefined>;
  logout(token: string): Promise<void>;
}

export function createAuthService(store: Store, config: Config): AuthService {
  const idleMs = config.sessionIdleMinutes * 60_000;
  const absoluteMs = config.sessionAbsoluteHours * 3_600_000;

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
    };
  }

  return {
    async login(email, password) {
      const agent = await store.agents.byEmail(email.trim().toLowerCase());
      const ok = await verifyPassword(agent?.passwordHash, password);
      if (!agent || !ok || !agent.active) throw new ParleyError('invalid_credentials');
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
      return { token, context };
    },

    async authenticate(token) {
      if (!token || token.length > 128) return undefined;
      const tokenHash = sha256Hex(token);
      const session = await store.sessions.byTokenHash(tokenHash);
      const now = Date.now();
      if (!session || session.revokedAt !== null) return undefined;
      if (now >= session.expiresAt || now - session.lastSeenAt >= idleMs) {
        await store.sessions.revoke(tokenHash, now);
        return undefined;
      }
      // Touch at most every few seconds: sessions are read on every request.
      if (now - session.lastSeenAt > 5_000) await store.sessions.touch(tokenHash, now);
      return contextFor(session);
    },

    async logout(token) {
      await store.sessions.revoke(sha256Hex(token), Date.now());
    },
  };
}
