import { randomUUID } from 'node:crypto';
import { signRequest } from '@parley/signing';
import type { SecurityEvent, SecurityEventType } from '@parley/protocol';
import type { Bus } from '../../bus';
import type { Logger } from '../../logger';
import type { SecurityEventRow, Store } from '../../store';
import { keyringOf, open, secretContext } from './keyring';
import { siemChannelsOf, wakeSiem } from '../siem';
import { createWebhookTargetPolicy, postPinned, type WebhookTargetPolicy } from './webhook-target';

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
  /** Stores, counts, shows live to admins and posts to the organisation's webhook. Never throws. */
  emit(
    orgId: string,
    type: SecurityEventType,
    input: {
      agentId?: string | null;
      ip?: string | null;
      detail?: Record<string, string | number | boolean | null>;
    },
  ): Promise<void>;
  /** Resolves when every webhook delivery started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
}

const RETRY_DELAYS_MS = [500, 2000, 8000];
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
}): SecurityEvents {
  const pending = new Set<Promise<void>>();
  const policy =
    deps.webhookPolicy ?? createWebhookTargetPolicy({ allowCidrs: deps.webhookAllowCidrs ?? [] });
  const budget = new Map<string, { windowStart: number; sent: number; suppressed: number }>();

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

  async function deliver(
    url: string,
    secret: string,
    body: string,
    eventId: string,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        // Resolved and checked at every attempt, then pinned to the checked address.
        const target = await policy.resolve(url);
        const headers = signRequest({
          secret,
          method: 'POST',
          path: `${target.url.pathname}${target.url.search}`,
          body,
        });
        const status = await postPinned(
          target,
          { 'content-type': 'application/json', ...headers },
          body,
          5000,
        );
        if (status >= 200 && status < 300) return;
        deps.log.warn({ eventId, status }, 'security webhook refused');
      } catch (err) {
        deps.log.warn(
          { eventId, err: err instanceof Error ? err.name : 'unknown' },
          'security webhook failed',
        );
      }
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined) return;
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  return {
    async emit(orgId, type, input) {
      try {
        const channels = siemChannelsOf(deps.store);
        const row = await deps.store.security.addEvent(
          {
            orgId,
            type,
            agentId: input.agentId ?? null,
            ip: input.ip ?? null,
            detail: input.detail ?? {},
            createdAt: Date.now(),
          },
          channels,
        );
        if (channels.length > 0) wakeSiem(deps.store);
        deps.log.warn({ orgId, type, agentId: row.agentId, eventId: row.id }, 'security event');
        if (orgId === '') return;
        const event = presentSecurityEvent(row);
        await deps.bus.publish(securityTopic(orgId), {
          audience: 'agent',
          frame: JSON.stringify({ type: 'security_event', event }),
        });
        const settings = await deps.store.security.settings(orgId);
        if (settings.webhookUrl && settings.webhookSecret) {
          const turn = spend(orgId);
          if (!turn.ok) return;
          const secret = open(
            keyringOf(deps.store),
            settings.webhookSecret,
            secretContext.webhook(orgId),
          );
          const body = JSON.stringify({
            id: randomUUID(),
            type: 'security_event',
            orgId,
            event,
            ...(turn.suppressed > 0 ? { suppressed: turn.suppressed } : {}),
          });
          const p = deliver(settings.webhookUrl, secret, body, row.id).finally(() =>
            pending.delete(p),
          );
          pending.add(p);
        }
      } catch (err) {
        deps.log.error(
          { orgId, type, err: err instanceof Error ? err.message : 'unknown' },
          'security event not recorded',
        );
      }
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
