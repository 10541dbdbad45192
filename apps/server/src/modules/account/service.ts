import { maskText } from '@parley/masking';
import { ParleyError } from '@parley/protocol';
import type { Store } from '../../store';
import { audit } from '../audit';
import type { AgentContext, AuthService } from '../auth';
import { presentAccountSession, sessionPublicId } from './presenter';

export type AccountService = ReturnType<typeof createAccountService>;

/**
 * What an agent does with their own account (issue 10 item 14): the display
 * name, their sessions (list, end one, end the others). Every query is scoped
 * to the signed-in agent: a session id of someone else is not found.
 */
export function createAccountService(deps: { store: Store; auth: AuthService }) {
  const { store, auth } = deps;
  const who = (ctx: AgentContext) => ({ kind: 'agent' as const, id: ctx.agent.id });

  const ownSessions = (ctx: AgentContext) =>
    store.account.agentSessions(ctx.agent.orgId, ctx.agent.id, Date.now());

  async function end(ctx: AgentContext, hashes: string[], ip: string, action: string) {
    await store.security.revokeSessions(ctx.agent.orgId, hashes, Date.now());
    await audit.record(store, {
      orgId: ctx.agent.orgId,
      actor: who(ctx),
      action,
      outcome: 'success',
      ip,
      resource: { type: 'agent', id: ctx.agent.id },
      detail: { sessions: hashes.length },
    });
    await auth.publishRevoked(hashes);
  }

  return {
    async sessions(ctx: AgentContext) {
      return (await ownSessions(ctx)).map((s) => presentAccountSession(s, ctx.session.tokenHash));
    },

    /** Ends one of the agent's own sessions (the current one too, if asked). */
    async endSession(ctx: AgentContext, id: string, ip: string): Promise<{ current: boolean }> {
      const s = (await ownSessions(ctx)).find((x) => sessionPublicId(x.tokenHash) === id);
      if (!s) throw new ParleyError('not_found');
      await end(ctx, [s.tokenHash], ip, 'auth.session_end');
      return { current: s.tokenHash === ctx.session.tokenHash };
    },

    /** Ends every session of the agent but this one. */
    async endOtherSessions(ctx: AgentContext, ip: string): Promise<number> {
      const others = (await ownSessions(ctx))
        .map((s) => s.tokenHash)
        .filter((h) => h !== ctx.session.tokenHash);
      await end(ctx, others, ip, 'auth.sign_out_others');
      return others.length;
    },

    /** The display name; names pass the masker's check like every text people type (law 1). */
    async rename(ctx: AgentContext, name: string, ip: string) {
      if (maskText(name).findings.length > 0)
        throw new ParleyError(
          'bad_request',
          'A name cannot contain card numbers or other secrets.',
        );
      const updated = await store.agents.update(ctx.agent.orgId, ctx.agent.id, { name });
      if (!updated) throw new ParleyError('not_found');
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who(ctx),
        action: 'agent.rename',
        outcome: 'success',
        ip,
        resource: { type: 'agent', id: ctx.agent.id },
      });
      return updated;
    },

    /** How many conversations wait in the agent's organisation: all a locked console may learn. */
    async waiting(ctx: AgentContext): Promise<number> {
      const r = await store.db
        .selectFrom('conversations')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('org_id', '=', ctx.agent.orgId)
        .where('status', '=', 'waiting')
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
  };
}
