import { ParleyError } from '@parley/protocol';
import type { Store } from '../../store';
import { audit } from '../audit';
import { accountKey, type Attempts } from './attempts';
import type { AgentContext, AuthService } from './service';

/**
 * The idle lock (issue 10 item 15, PCI DSS 8.2.8). When the organisation's
 * idle timeout passes, a session is not destroyed but LOCKED: the admission
 * then serves it nothing but the session route, sign-out, the waiting count
 * and this unlock (session_locked for everything else), sockets close, and
 * nothing touches it, so polling the waiting count never keeps it alive. The
 * password unlocks it in place; the absolute lifetime still ends it.
 */
export function createSessionLock(deps: {
  store: Store;
  auth: AuthService;
  attempts: Attempts;
  checkPassword(hash: string | undefined, password: string): Promise<boolean>;
}) {
  const { store, auth, attempts } = deps;
  const who = (ctx: AgentContext) => ({ kind: 'agent' as const, id: ctx.agent.id });
  return {
    /** Locks now (the console's own timer ran out, or the agent chose to lock). */
    async lock(ctx: AgentContext, ip: string): Promise<void> {
      if (ctx.locked) return;
      await store.account.lockSession(ctx.session.tokenHash, Date.now());
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who(ctx),
        action: 'auth.session_lock',
        outcome: 'success',
        ip,
      });
      // Sockets of the session close on every node (the same topic sign-out uses).
      await auth.publishRevoked([ctx.session.tokenHash]);
    },

    /** Unlocks with the password, counted before it is checked like every other password check. */
    async unlock(ctx: AgentContext, password: string, ip: string): Promise<void> {
      const slot = await attempts.begin(
        { key: accountKey(ctx.agent.id), orgId: ctx.agent.orgId, agentId: ctx.agent.id, ip },
        { proof: false },
      );
      if (!(await deps.checkPassword(ctx.agent.passwordHash, password))) {
        await audit.record(store, {
          orgId: ctx.agent.orgId,
          actor: who(ctx),
          action: 'auth.session_unlock',
          outcome: 'failure',
          ip,
          detail: { reason: 'bad_password' },
        });
        await slot.failed('session_unlock');
        throw new ParleyError('invalid_credentials', 'The password is wrong.');
      }
      await slot.succeeded();
      const now = Date.now();
      await store.account.unlockSession(ctx.session.tokenHash, now);
      await store.security.proveSession(ctx.agent.orgId, ctx.session.tokenHash, {
        passwordAt: now,
      });
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who(ctx),
        action: 'auth.session_unlock',
        outcome: 'success',
        ip,
      });
    },
  };
}

export type SessionLock = ReturnType<typeof createSessionLock>;
