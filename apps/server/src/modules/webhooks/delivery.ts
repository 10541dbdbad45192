import { randomUUID } from 'node:crypto';
import { signRequest } from '@parley/signing';
import { ParleyError } from '@parley/protocol';
import type { Logger } from '../../logger';
import type { Store, WebhookDeliveryRow } from '../../store';
import { backoffMs, createOutboxWorker } from '../../lib/outbox-worker';
import { keyringOf, open, postPinned, type WebhookTargetPolicy } from '../security';
import { buildData } from './payload';
import { webhookSecretContext } from './secret';

const POST_DEADLINE_MS = 5000;
const BATCH = 20;
const LEASE_MS = BATCH * POST_DEADLINE_MS + 30_000;
const DELIVERED_KEPT_MS = 30 * 86_400_000;
const DISABLED_RETRY_MS = 60_000;

type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/**
 * Posts queued chat events to their endpoints, signed like the vault edge
 * (law 4; the body's `id` is the delivery's, the same on every retry and
 * replay). A post that fails — receiver down, not 2xx, timeout, a target the
 * SSRF policy refuses — is retried with back-off (1 s doubling to 10 min)
 * until the receiver takes it: nothing is dropped. A disabled endpoint gets
 * no new deliveries, and those already queued wait until it is enabled again.
 */
export function createWebhookDelivery(deps: {
  store: Store;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  policy: WebhookTargetPolicy;
  retryBaseMs?: number;
  retryMaxMs?: number;
  pollMs?: number;
}) {
  const { store, log } = deps;
  const owner = `node-${randomUUID()}`;
  const retryBase = deps.retryBaseMs ?? 1000;
  const retryMax = deps.retryMaxMs ?? 600_000;

  async function post(row: WebhookDeliveryRow): Promise<Outcome | 'gone' | 'held'> {
    const endpoint = await store.webhooks.endpoint(row.orgId, row.endpointId);
    if (!endpoint) return 'gone';
    if (!endpoint.enabled) return 'held';
    const data = await buildData(store, row);
    if (data === undefined) return 'gone'; // erased (or retention) before it was sent
    const secret = open(
      keyringOf(store),
      endpoint.secretSealed,
      webhookSecretContext(row.orgId, endpoint.id),
    );
    const body = JSON.stringify({
      id: row.id,
      type: row.eventType,
      orgId: row.orgId,
      occurredAt: row.occurredAt,
      data,
    });
    let target;
    try {
      // Resolved and checked at every attempt, then pinned to the checked address.
      target = await deps.policy.resolve(endpoint.url);
    } catch (err) {
      if (err instanceof ParleyError)
        return { ok: false, status: null, error: 'the address is not allowed (internal network)' };
      throw err;
    }
    const headers = signRequest({
      secret,
      method: 'POST',
      path: `${target.url.pathname}${target.url.search}`,
      body,
    });
    const status = await postPinned(
      target,
      {
        'content-type': 'application/json',
        'x-parley-event': row.eventType,
        'x-parley-delivery': row.id,
        ...headers,
      },
      body,
      POST_DEADLINE_MS,
    );
    if (status >= 200 && status < 300) return { ok: true, status };
    return { ok: false, status, error: `the receiver answered ${status}` };
  }

  async function sendBatch(): Promise<boolean> {
    const rows = await store.webhooks.claim(owner, Date.now(), LEASE_MS, BATCH);
    for (const row of rows) {
      let outcome: Outcome | 'gone' | 'held';
      try {
        outcome = await post(row);
      } catch (err) {
        const name = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.name) : '';
        outcome = { ok: false, status: null, error: `no answer (${name || 'failed'})` };
      }
      const now = Date.now();
      if (outcome === 'gone') await store.webhooks.markDelivered(row.id, owner, now, 0);
      else if (outcome === 'held')
        await store.webhooks.markRetry(
          row.id,
          owner,
          now + DISABLED_RETRY_MS,
          null,
          'endpoint disabled',
        );
      else if (outcome.ok) await store.webhooks.markDelivered(row.id, owner, now, outcome.status);
      else {
        log.warn(
          { deliveryId: row.id, status: outcome.status, attempt: row.attempts },
          'chat webhook delivery failed; will retry',
        );
        await store.webhooks.markRetry(
          row.id,
          owner,
          now + backoffMs(row.attempts, retryBase, retryMax),
          outcome.status,
          outcome.error,
        );
      }
    }
    return rows.length === BATCH;
  }

  return createOutboxWorker({
    name: 'chat webhooks',
    log,
    sendBatch,
    pollMs: deps.pollMs ?? 1000,
    housekeeping: () => store.webhooks.prune(Date.now() - DELIVERED_KEPT_MS),
  });
}
