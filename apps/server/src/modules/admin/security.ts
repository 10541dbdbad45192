import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AuditQuerySchema,
  ParleyError,
  SecurityEventTypeSchema,
  UpdateSecuritySettingsRequestSchema,
} from '@parley/protocol';
import { audit } from '../audit';
import { agentOf, requireAgent, type AuthRouteOptions } from '../auth';
import { ipAllowed, parseCidr, presentSecurityEvent } from '../security';
import { presentAuditEntry, presentSecuritySettings } from './presenter';

const EventQuerySchema = z.object({
  type: SecurityEventTypeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Organisation security settings, security events and the audit log. */
export function registerSecurityAdminRoutes(app: FastifyInstance, opts: AuthRouteOptions): void {
  const { store } = opts;
  const settingsOnly = { preHandler: requireAgent(opts, { permission: 'settings:manage' }) };

  app.get('/api/security/settings', settingsOnly, async (request) =>
    presentSecuritySettings(await store.security.settings(agentOf(request).agent.orgId)),
  );

  app.put('/api/security/settings', settingsOnly, async (request) => {
    const ctx = agentOf(request);
    const body = UpdateSecuritySettingsRequestSchema.parse(request.body);
    const who = { kind: 'agent' as const, id: ctx.agent.id };
    let ipAllowlist: string[] | undefined;
    if (body.ipAllowlist !== undefined) {
      ipAllowlist = [];
      for (const range of body.ipAllowlist) {
        const parsed = parseCidr(range);
        if (!parsed)
          throw new ParleyError(
            'bad_request',
            `"${range}" is not an IPv4 or IPv6 address or CIDR range.`,
          );
        ipAllowlist.push(parsed);
      }
      // The admin making the change must still get in afterwards.
      if (!ipAllowed(ipAllowlist, request.ip)) {
        await audit.record(store, {
          orgId: ctx.agent.orgId,
          actor: who,
          action: 'settings.allowlist',
          outcome: 'failure',
          ip: request.ip,
          detail: { reason: 'would_lock_out' },
        });
        throw new ParleyError(
          'allowlist_would_lock_out',
          `This allowlist would lock you out: it must include ${request.ip}.`,
        );
      }
    }
    const before = await store.security.settings(ctx.agent.orgId);
    const after = await store.security.updateSettings(
      ctx.agent.orgId,
      {
        ...(body.mfaPolicy !== undefined ? { mfaPolicy: body.mfaPolicy } : {}),
        ...(ipAllowlist !== undefined ? { ipAllowlist } : {}),
        ...(body.webhookUrl !== undefined ? { webhookUrl: body.webhookUrl } : {}),
        ...(body.webhookSecret !== undefined ? { webhookSecret: body.webhookSecret } : {}),
      },
      Date.now(),
    );
    if (body.mfaPolicy !== undefined && body.mfaPolicy !== before.mfaPolicy) {
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who,
        action: 'settings.mfa_policy',
        outcome: 'success',
        ip: request.ip,
        detail: { from: before.mfaPolicy, to: after.mfaPolicy },
      });
    }
    if (ipAllowlist !== undefined) {
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who,
        action: 'settings.allowlist',
        outcome: 'success',
        ip: request.ip,
        detail: { from: before.ipAllowlist.join(' '), to: after.ipAllowlist.join(' ') },
      });
    }
    if (body.webhookUrl !== undefined || body.webhookSecret !== undefined) {
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who,
        action: 'settings.webhook',
        outcome: 'success',
        ip: request.ip,
        detail: { url: after.webhookUrl, secretChanged: body.webhookSecret !== undefined },
      });
    }
    return presentSecuritySettings(after);
  });

  app.get(
    '/api/security/events',
    { preHandler: requireAgent(opts, { permission: 'security_event:read' }) },
    async (request) => {
      const orgId = agentOf(request).agent.orgId;
      const q = EventQuerySchema.parse(request.query);
      const [rows, counts] = await Promise.all([
        store.security.events(orgId, { limit: q.limit, ...(q.type ? { type: q.type } : {}) }),
        store.security.eventCounts(orgId),
      ]);
      return { events: rows.map(presentSecurityEvent), counts };
    },
  );

  app.get(
    '/api/audit',
    { preHandler: requireAgent(opts, { permission: 'audit:read' }) },
    async (request) => {
      const ctx = agentOf(request);
      const q = AuditQuerySchema.parse(request.query);
      const filter = {
        limit: q.limit,
        ...(q.action !== undefined ? { action: q.action } : {}),
        ...(q.actorId !== undefined ? { actorId: q.actorId } : {}),
        ...(q.outcome !== undefined ? { outcome: q.outcome } : {}),
        ...(q.from !== undefined ? { from: q.from } : {}),
        ...(q.to !== undefined ? { to: q.to } : {}),
        ...(q.beforeSeq !== undefined ? { beforeSeq: q.beforeSeq } : {}),
      };
      const entries = await audit.list(store, ctx.agent.orgId, filter);
      // Reading the audit log is itself audited (PCI DSS 10.2.1.3).
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: { kind: 'agent', id: ctx.agent.id },
        action: 'audit.read',
        outcome: 'success',
        ip: request.ip,
        detail: { returned: entries.length },
      });
      return { entries: entries.map(presentAuditEntry) };
    },
  );
}
