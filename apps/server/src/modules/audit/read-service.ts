import { ParleyError } from '@parley/protocol';
import type { AuditEntry, AuditFilter, Store } from '../../store';
import { can, type AgentContext } from '../auth';
import type { AuditAnchor } from './anchor';
import { list, record } from './service';

/** Reading the audit log and anchoring it on demand, for agents with `audit:read`. */
export function createAuditService(deps: { store: Store; anchor: AuditAnchor }) {
  const { store } = deps;
  const assertRead = (ctx: AgentContext) => {
    if (!can(ctx.actor, 'audit:read', { orgId: ctx.agent.orgId }))
      throw new ParleyError('forbidden');
  };
  return {
    async read(
      ctx: AgentContext,
      q: { [K in keyof AuditFilter]?: AuditFilter[K] | undefined } & { limit: number },
      ip: string,
    ): Promise<AuditEntry[]> {
      assertRead(ctx);
      const filter: AuditFilter = { limit: q.limit };
      if (q.action !== undefined) filter.action = q.action;
      if (q.actorId !== undefined) filter.actorId = q.actorId;
      if (q.outcome !== undefined) filter.outcome = q.outcome;
      if (q.from !== undefined) filter.from = q.from;
      if (q.to !== undefined) filter.to = q.to;
      if (q.beforeSeq !== undefined) filter.beforeSeq = q.beforeSeq;
      const entries = await list(store, ctx.agent.orgId, filter);
      // Reading the audit log is itself audited (PCI DSS 10.2.1.3).
      await record(store, {
        orgId: ctx.agent.orgId,
        actor: { kind: 'agent', id: ctx.agent.id },
        action: 'audit.read',
        outcome: 'success',
        ip,
        detail: { returned: entries.length },
      });
      return entries;
    },

    async checkpoint(ctx: AgentContext, ip: string): Promise<number> {
      assertRead(ctx);
      await record(store, {
        orgId: ctx.agent.orgId,
        actor: { kind: 'agent', id: ctx.agent.id },
        action: 'audit.checkpoint',
        outcome: 'success',
        ip,
      });
      return deps.anchor.checkpoint();
    },
  };
}
