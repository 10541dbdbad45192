import { randomUUID } from 'node:crypto';
import { signRequest } from '@parley/signing';
import type { SecurityEvent, SecurityEventType } from '@parley/protocol';
import type { Bus } from '../../bus';
import type { Logger } from '../../logger';
import type { SecurityEventRow, Store } from '../../store';

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

export function createSecurityEvents(deps: {
  store: Store;
  bus: Bus;
  log: Logger;
  fetch?: typeof fetch;
}): SecurityEvents {
  const pending = new Set<Promise<void>>();
  const doFetch = deps.fetch ?? fetch;

  async function deliver(
    url: string,
    secret: string,
    body: string,
    eventId: string,
  ): Promise<void> {
    const target = new URL(url);
    for (let attempt = 0; ; attempt++) {
      try {
        const headers = signRequest({
          secret,
          method: 'POST',
          path: `${target.pathname}${target.search}`,
          body,
        });
        const res = await doFetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
          signal: AbortSignal.timeout(5000),
        });
        if (res.ok) return;
        deps.log.warn({ eventId, status: res.status }, 'security webhook refused');
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
        const row = await deps.store.security.addEvent({
          orgId,
          type,
          agentId: input.agentId ?? null,
          ip: input.ip ?? null,
          detail: input.detail ?? {},
          createdAt: Date.now(),
        });
        deps.log.warn({ orgId, type, agentId: row.agentId, eventId: row.id }, 'security event');
        if (orgId === '') return;
        const event = presentSecurityEvent(row);
        await deps.bus.publish(securityTopic(orgId), {
          audience: 'agent',
          frame: JSON.stringify({ type: 'security_event', event }),
        });
        const settings = await deps.store.security.settings(orgId);
        if (settings.webhookUrl && settings.webhookSecret) {
          const body = JSON.stringify({ id: randomUUID(), type: 'security_event', orgId, event });
          const p = deliver(settings.webhookUrl, settings.webhookSecret, body, row.id).finally(() =>
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
