import { randomUUID } from 'node:crypto';
import {
  ParleyError,
  WEBHOOK_MAX_ENDPOINTS,
  type WebhookCreateRequest,
  type WebhookUpdateRequest,
} from '@parley/protocol';
import type { Logger } from '../../logger';
import type { Store, WebhookDeliveryRow, WebhookEndpointRow } from '../../store';
import { randomToken } from '../../lib/tokens';
import { audit } from '../audit';
import type { AgentContext } from '../auth';
import { keyringOf, seal, type WebhookTargetPolicy } from '../security';
import type { ChatEvent } from './events';
import { mayManageWebhooks } from './policy';
import { WEBHOOK_SECRET_PREFIX, webhookSecretContext } from './secret';

export type WebhookService = ReturnType<typeof createWebhookService>;

/**
 * Outgoing webhooks for chat events (issue 17 item 5, docs/webhooks.md):
 * admins register endpoints (checked against the SSRF policy when saved and
 * again at every delivery), each chat event is queued for every subscribed
 * endpoint, and the delivery log can be read and replayed. Every change is
 * audited; the log and the audit entries hold no content.
 */
export function createWebhookService(deps: {
  store: Store;
  policy: WebhookTargetPolicy;
  log: Pick<Logger, 'warn'>;
  /** Wakes this node's delivery (a new or replayed row). */
  kick: () => void;
  now?: () => number;
}) {
  const { store } = deps;
  const now = deps.now ?? Date.now;

  // Every committed message is a `message.created` event (issue 18, must 7): reading the
  // subscribed endpoints from the store for each one was a query per message on the hot path.
  // Kept per organisation and event type for a second; a change made on this node drops them at
  // once, one made on another node is seen within the second.
  // The read itself is what is kept, so that the events of a busy second share one query.
  const subscribersCache = new Map<string, { at: number; rows: Promise<WebhookEndpointRow[]> }>();
  const SUBSCRIBERS_MS = 1000;
  const SUBSCRIBERS_MAX = 10_000;
  const subscribers = (orgId: string, type: string): Promise<WebhookEndpointRow[]> => {
    const key = `${orgId}\u0000${type}`;
    const hit = subscribersCache.get(key);
    const at = now();
    if (hit && at - hit.at < SUBSCRIBERS_MS) return hit.rows;
    const rows = store.webhooks.subscribers(orgId, type);
    if (subscribersCache.size >= SUBSCRIBERS_MAX) subscribersCache.clear();
    const entry = { at, rows };
    subscribersCache.set(key, entry);
    // A failed read is not kept: the next event asks the store again.
    rows.catch(() => {
      if (subscribersCache.get(key) === entry) subscribersCache.delete(key);
    });
    return rows;
  };
  const endpointsChanged = (orgId: string): void => {
    for (const key of subscribersCache.keys())
      if (key.startsWith(`${orgId}\u0000`)) subscribersCache.delete(key);
  };

  const guard = (ctx: AgentContext) => {
    if (!mayManageWebhooks(ctx)) throw new ParleyError('forbidden');
  };
  const endpointOf = async (ctx: AgentContext, id: string): Promise<WebhookEndpointRow> => {
    // Another organisation's endpoint answers exactly like a miss.
    const e = await store.webhooks.endpoint(ctx.agent.orgId, id);
    if (!e) throw new ParleyError('not_found');
    return e;
  };
  const record = (
    ctx: AgentContext,
    action: string,
    ip: string,
    id: string,
    detail: Record<string, string | number | boolean> = {},
  ) =>
    audit.record(store, {
      orgId: ctx.agent.orgId,
      actor: { kind: 'agent', id: ctx.agent.id },
      action,
      outcome: 'success',
      ip,
      resource: { type: 'webhook', id },
      detail,
    });

  return {
    async list(ctx: AgentContext) {
      guard(ctx);
      const [endpoints, backlog] = await Promise.all([
        store.webhooks.endpoints(ctx.agent.orgId),
        store.webhooks.backlog(ctx.agent.orgId),
      ]);
      return endpoints.map((e) => ({ row: e, backlog: backlog.get(e.id) }));
    },

    async create(
      ctx: AgentContext,
      input: WebhookCreateRequest,
      ip: string,
    ): Promise<{ row: WebhookEndpointRow; secret: string }> {
      guard(ctx);
      if ((await store.webhooks.endpoints(ctx.agent.orgId)).length >= WEBHOOK_MAX_ENDPOINTS)
        throw new ParleyError(
          'bad_request',
          `An organisation has at most ${WEBHOOK_MAX_ENDPOINTS} webhook endpoints.`,
        );
      // Refused now (webhook_target_not_allowed) rather than failing at every delivery.
      await deps.policy.resolve(input.url);
      const id = randomUUID();
      const secret = `${WEBHOOK_SECRET_PREFIX}${randomToken(32)}`;
      const row = await store.webhooks.createEndpoint({
        id,
        org_id: ctx.agent.orgId,
        url: input.url,
        description: input.description,
        events: JSON.stringify([...input.events].sort()),
        secret_sealed: seal(keyringOf(store), secret, webhookSecretContext(ctx.agent.orgId, id)),
        enabled: 1,
        created_at: now(),
        created_by: ctx.agent.id,
      });
      endpointsChanged(ctx.agent.orgId);
      await record(ctx, 'webhook.create', ip, id, {
        host: new URL(input.url).host,
        events: row.events.join(' '),
      });
      return { row, secret };
    },

    async update(ctx: AgentContext, id: string, patch: WebhookUpdateRequest, ip: string) {
      guard(ctx);
      await endpointOf(ctx, id);
      const row = (await store.webhooks.updateEndpoint(ctx.agent.orgId, id, {
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        ...(patch.events !== undefined ? { events: [...patch.events].sort() } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
      })) as WebhookEndpointRow;
      endpointsChanged(ctx.agent.orgId);
      await record(ctx, 'webhook.update', ip, id, {
        enabled: row.enabled,
        events: row.events.join(' '),
      });
      if (patch.enabled === true && (await store.webhooks.wake(ctx.agent.orgId, id, now())) > 0)
        deps.kick();
      return row;
    },

    async remove(ctx: AgentContext, id: string, ip: string): Promise<void> {
      guard(ctx);
      const e = await endpointOf(ctx, id);
      await store.webhooks.removeEndpoint(ctx.agent.orgId, id);
      endpointsChanged(ctx.agent.orgId);
      await record(ctx, 'webhook.delete', ip, id, { host: new URL(e.url).host });
    },

    async deliveries(ctx: AgentContext, id: string, limit = 50): Promise<WebhookDeliveryRow[]> {
      guard(ctx);
      await endpointOf(ctx, id);
      return store.webhooks.deliveries(ctx.agent.orgId, id, limit);
    },

    async replay(ctx: AgentContext, deliveryId: string, ip: string): Promise<WebhookDeliveryRow> {
      guard(ctx);
      const row = await store.webhooks.replay(ctx.agent.orgId, deliveryId, now());
      if (!row) throw new ParleyError('not_found');
      await record(ctx, 'webhook.replay', ip, row.endpointId, { delivery: row.id });
      deps.kick();
      return row;
    },

    /** Queues a `ping` for one endpoint, to check the receiver and its signature check. */
    async ping(ctx: AgentContext, id: string): Promise<void> {
      guard(ctx);
      await endpointOf(ctx, id);
      const at = now();
      await store.webhooks.enqueue(
        [
          {
            orgId: ctx.agent.orgId,
            endpointId: id,
            eventType: 'ping',
            eventKey: `ping:${randomUUID()}`,
            subject: {},
            occurredAt: at,
          },
        ],
        at,
      );
      deps.kick();
    },

    /** A committed chat event: one delivery per subscribed endpoint. Never throws (law 8). */
    async onEvent(event: ChatEvent): Promise<void> {
      try {
        const targets = await subscribers(event.orgId, event.type);
        if (targets.length === 0) return;
        const queued = await store.webhooks.enqueue(
          targets.map((t) => ({
            orgId: event.orgId,
            endpointId: t.id,
            eventType: event.type,
            eventKey: event.key,
            subject: event.subject,
            occurredAt: event.occurredAt,
          })),
          now(),
        );
        if (queued > 0) deps.kick();
      } catch (err) {
        deps.log.warn(
          { err: err instanceof Error ? err.message : String(err), event: event.type },
          'chat webhook: event not queued',
        );
      }
    },
  };
}
