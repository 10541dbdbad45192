import type { FastifyInstance } from 'fastify';
import { DataSubjectLookupSchema, ErasureRequestSchema, ParleyError } from '@parley/protocol';
import type { FileStorage } from '../files';
import { agentOf, can, requireAgent, type AuthRouteOptions } from '../auth';
import { exportSubject } from './export';
import { erase, type EraseReport, type VaultEraser } from './service';
import { previewErasure, resolveSubject } from './subject';

/**
 * Access and erasure requests from an admin (issue 12 items 5, 6); the CLI is `parley data
 * export` / `parley data erase`. A person is found by visitor id, a conversation of theirs, or the
 * verified identity's subject or e-mail. Preview names what an erasure removes.
 */
export function registerPrivacyRoutes(
  app: FastifyInstance,
  opts: { authRoutes: AuthRouteOptions; fileStorage: FileStorage; vault?: VaultEraser | undefined },
): void {
  const store = opts.authRoutes.store;
  const admins = { preHandler: requireAgent(opts.authRoutes, { permission: 'settings:manage' }) };
  const admin = (request: Parameters<typeof agentOf>[0]) => {
    const ctx = agentOf(request);
    if (!can(ctx.actor, 'settings:manage', { orgId: ctx.agent.orgId }))
      throw new ParleyError('forbidden');
    return ctx;
  };

  app.post('/api/privacy/preview', admins, async (request) => {
    const ctx = admin(request);
    const lookup = DataSubjectLookupSchema.parse(request.body);
    const ids = await resolveSubject(store, ctx.agent.orgId, lookup);
    return previewErasure(store, ctx.agent.orgId, ids);
  });

  app.post('/api/privacy/export', admins, async (request, reply) => {
    const ctx = admin(request);
    const lookup = DataSubjectLookupSchema.parse(request.body);
    const ids = await resolveSubject(store, ctx.agent.orgId, lookup);
    const r = await exportSubject(
      store,
      ctx.organisation,
      ids,
      { kind: 'agent', id: ctx.agent.id },
      request.ip,
    );
    void reply.header('cache-control', 'no-store');
    return { ...r.data, transcriptHtml: r.html };
  });

  app.post('/api/privacy/erase', admins, async (request) => {
    const ctx = admin(request);
    const parsed = ErasureRequestSchema.safeParse(request.body);
    if (!parsed.success) throw new ParleyError('bad_request');
    const { confirm: _confirm, ...target } = parsed.data;
    const actor = { kind: 'agent' as const, id: ctx.agent.id };
    if ('conversationId' in target || 'visitorId' in target)
      return {
        erased: await erase(
          store,
          ctx.agent.orgId,
          target,
          actor,
          request.ip,
          opts.fileStorage,
          opts.vault,
        ),
      };
    const total: EraseReport = { conversations: 0, visitors: 0, messages: 0, files: 0, keys: 0 };
    for (const visitorId of await resolveSubject(store, ctx.agent.orgId, target)) {
      const r = await erase(
        store,
        ctx.agent.orgId,
        { visitorId },
        actor,
        request.ip,
        opts.fileStorage,
        opts.vault,
      );
      total.conversations += r.conversations;
      total.visitors += r.visitors;
      total.messages += r.messages;
      total.files += r.files;
      total.keys += r.keys;
      if (r.vaultPayments !== undefined)
        total.vaultPayments = (total.vaultPayments ?? 0) + r.vaultPayments;
    }
    return { erased: total };
  });
}
