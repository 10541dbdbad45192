import { randomUUID } from 'node:crypto';
import { signRequest } from '@parley/signing';
import type { SecurityEvent } from '@parley/protocol';
import type { Logger } from '../../logger';
import type { SecurityEventRow, SiemOutboxRow, Store } from '../../store';
import { backoffMs, createOutboxWorker } from '../../lib/outbox-worker';
import { keyringOf, open, secretContext } from './keyring';
import { postPinned, type WebhookTargetPolicy } from './webhook-target';

/** The outbox channel of an organisation's security webhook (0020-siem-outbox). */
export const WEBHOOK_CHANNEL = 'webhook';
/** Detail key of the event that carries how many earlier ones the budget held back. */
export const SUPPRESSED_DETAIL = 'webhookSuppressed';

const POST_DEADLINE_MS = 5000;
const BATCH = 20;
const LEASE_MS = BATCH * POST_DEADLINE_MS + 30_000;

/**
 * Posts queued security events to each organisation's webhook (DESIGN.md law
 * 4: signed like the vault edge). The outbox row is written with the event, and
 * a post that fails (receiver down, 5xx, timeout) is retried with back-off
 * (1 s doubling to 10 min) until the receiver takes it: nothing is dropped
 * (issue 17 item 3; it used to give up after three tries). The body's `id` is
 * the outbox row's, the same on every retry, so a receiver can fold repeats.
 */
export function createWebhookExport(deps: {
  store: Store;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  policy: WebhookTargetPolicy;
  present: (e: SecurityEventRow) => SecurityEvent;
  retryBaseMs?: number;
  retryMaxMs?: number;
  pollMs?: number;
}) {
  const { store, log } = deps;
  const nodeId = `node-${randomUUID()}`;
  const retryBase = deps.retryBaseMs ?? 1000;
  const retryMax = deps.retryMaxMs ?? 600_000;

  /** One post; true when the receiver answered 2xx. */
  async function post(row: SiemOutboxRow, event: SecurityEventRow): Promise<boolean> {
    const settings = await store.security.settings(row.orgId);
    // The organisation removed its webhook meanwhile: nobody is waiting for it.
    if (!settings.webhookUrl || !settings.webhookSecret) return true;
    const secret = open(keyringOf(store), settings.webhookSecret, secretContext.webhook(row.orgId));
    const { [SUPPRESSED_DETAIL]: suppressed, ...detail } = event.detail;
    const body = JSON.stringify({
      id: row.id,
      type: 'security_event',
      orgId: row.orgId,
      event: deps.present({ ...event, detail }),
      ...(typeof suppressed === 'number' ? { suppressed } : {}),
    });
    // Resolved and checked at every attempt, then pinned to the checked address.
    const target = await deps.policy.resolve(settings.webhookUrl);
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
      POST_DEADLINE_MS,
    );
    if (status >= 200 && status < 300) return true;
    log.warn({ eventId: event.id, status, attempt: row.attempts }, 'security webhook refused');
    return false;
  }

  async function sendBatch(): Promise<boolean> {
    const rows = await store.siem.claim(WEBHOOK_CHANNEL, nodeId, Date.now(), LEASE_MS, BATCH);
    if (rows.length === 0) return false;
    const events = new Map(
      (await store.security.eventsByIds(rows.map((r) => r.sourceId))).map((e) => [e.id, e]),
    );
    for (const row of rows) {
      const event = events.get(row.sourceId);
      let ok: boolean;
      let error = 'refused';
      try {
        ok = event === undefined || (await post(row, event));
      } catch (err) {
        ok = false;
        error = err instanceof Error ? err.name : 'failed';
        log.warn(
          { eventId: row.sourceId, err: error, attempt: row.attempts },
          'security webhook failed',
        );
      }
      if (ok) await store.siem.markDelivered([row.id], nodeId, Date.now());
      else
        await store.siem.markRetry(
          [row.id],
          nodeId,
          error,
          Date.now() + backoffMs(row.attempts, retryBase, retryMax),
        );
    }
    return true;
  }

  return createOutboxWorker({
    name: 'security webhook',
    log,
    sendBatch,
    pollMs: deps.pollMs ?? 1000,
  });
}
