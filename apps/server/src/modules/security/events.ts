import type { SecurityEvent, SecurityEventType } from '@parley/protocol';
import type { Bus } from '../../bus';
import type { Logger } from '../../logger';
import type { SecurityEventRow, Store } from '../../store';
import { siemChannelsOf, wakeSiem } from '../siem';
import { createWebhookTargetPolicy, type WebhookTargetPolicy } from './webhook-target';
import { createWebhookExport, SUPPRESSED_DETAIL, WEBHOOK_CHANNEL } from './webhook-export';

/** Topic of an organisation's security events; only sockets allowed `security_event:read` subscribe. */
export const securityTopic = (orgId: string) => `security:${orgId}`;

export function presentSecurityEvent(e: SecurityEventRow): SecurityEvent {
  return {
    id: e.id,
    type: e.type as SecurityEventType,
    agentId: e.agentId,
    ip: e.ip,
    detail: Object.fromEntries(
      Object.entries(e.detail).filter(
        (kv): kv is [string, string | number | boolean | null] =>
          ['string', 'number', 'boolean'].includes(typeof kv[1]) || kv[1] === null,
      ),
    ),
    createdAt: e.createdAt,
  };
}

export interface SecurityEvents {
  /** Stores, counts, shows live to admins and queues for the webhook and the SIEM. Never throws. */
  emit(
    orgId: string,
    type: SecurityEventType,
    input: {
      agentId?: string | null;
      ip?: string | null;
      detail?: Record<string, string | number | boolean | null>;
    },
  ): Promise<void>;
  /** Starts delivering queued webhook posts (every node drains the outbox). */
  start(): void;
  /** Resolves when the webhook drain started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Deliveries per organisation per minute. Many events can be caused by anyone
 * on the internet (failed sign-ins, forged cookies): above the budget they are
 * stored and shown as usual but not posted one by one; the next delivery says
 * how many were held back (issue 10 finding 6: no anonymous webhook flood).
 */
const WEBHOOK_BUDGET_PER_MINUTE = 20;

export function createSecurityEvents(deps: {
  store: Store;
  bus: Bus;
  log: Logger;
  webhookAllowCidrs?: readonly string[];
  webhookPolicy?: WebhookTargetPolicy;
  /** First retry delay of a webhook post (default 1 s, doubling to 10 min). */
  webhookRetryBaseMs?: number;
}): SecurityEvents {
  const policy =
    deps.webhookPolicy ?? createWebhookTargetPolicy({ allowCidrs: deps.webhookAllowCidrs ?? [] });
  const budget = new Map<string, { windowStart: number; sent: number; suppressed: number }>();
  const webhooks = createWebhookExport({
    store: deps.store,
    log: deps.log,
    policy,
    present: presentSecurityEvent,
    ...(deps.webhookRetryBaseMs !== undefined ? { retryBaseMs: deps.webhookRetryBaseMs } : {}),
  });

  /** True when the organisation may get one more delivery now; counts the ones held back. */
  function spend(orgId: string): { ok: boolean; suppressed: number } {
    const now = Date.now();
    let b = budget.get(orgId);
    if (!b || now - b.windowStart >= 60_000) {
      b = { windowStart: now, sent: 0, suppressed: b?.suppressed ?? 0 };
      budget.set(orgId, b);
    }
    if (budget.size > 10_000) budget.clear();
    if (b.sent >= WEBHOOK_BUDGET_PER_MINUTE) {
      b.suppressed += 1;
      return { ok: false, suppressed: b.suppressed };
    }
    b.sent += 1;
    const suppressed = b.suppressed;
    b.suppressed = 0;
    return { ok: true, suppressed };
  }

  return {
    async emit(orgId, type, input) {
      try {
        const channels = [...siemChannelsOf(deps.store)];
        const detail = { ...(input.detail ?? {}) };
        if (orgId !== '') {
          const settings = await deps.store.security.settings(orgId);
          if (settings.webhookUrl && settings.webhookSecret) {
            const turn = spend(orgId);
            if (turn.ok) channels.push(WEBHOOK_CHANNEL);
            if (turn.ok && turn.suppressed > 0) detail[SUPPRESSED_DETAIL] = turn.suppressed;
          }
        }
        // The event and its deliveries (webhook, SIEM) commit together: none is lost in between.
        const row = await deps.store.security.addEvent(
          {
            orgId,
            type,
            agentId: input.agentId ?? null,
            ip: input.ip ?? null,
            detail,
            createdAt: Date.now(),
          },
          channels,
        );
        if (channels.includes(WEBHOOK_CHANNEL)) webhooks.kick();
        if (channels.some((c) => c !== WEBHOOK_CHANNEL)) wakeSiem(deps.store);
        deps.log.warn({ orgId, type, agentId: row.agentId, eventId: row.id }, 'security event');
        if (orgId === '') return;
        await deps.bus.publish(securityTopic(orgId), {
          audience: 'agent',
          frame: JSON.stringify({ type: 'security_event', event: presentSecurityEvent(row) }),
        });
      } catch (err) {
        deps.log.error(
          { orgId, type, err: err instanceof Error ? err.message : 'unknown' },
          'security event not recorded',
        );
      }
    },
    start: () => webhooks.start(),
    idle: () => webhooks.idle(),
    stop: () => webhooks.stop(),
  };
}
