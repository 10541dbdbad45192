import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logger';
import type { SiemOutboxRow, Store } from '../../store';
import { formatSyslog, frameOctetCounted, type SiemFormat, type SiemRecord } from './format';
import type { SyslogTransport } from './syslog-transport';

/** The outbox channel of the syslog receiver. */
export const SYSLOG_CHANNEL = 'syslog';
const DELIVERED_KEPT_MS = 7 * 24 * 3_600_000;

export interface SiemExportOptions {
  store: Store;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  transport: SyslogTransport;
  format: SiemFormat;
  /**
   * How long a connection must stay up after a write before its rows count as
   * delivered. Plain TCP syslog has no acknowledgement: rows written on a
   * connection that is lost within this window are sent again (at least once;
   * the receiver can fold repeats by the `id` in the structured data).
   */
  confirmMs?: number;
  /** Rows per claim and per write. */
  batch?: number;
  /** First retry delay after a failure; doubled per attempt up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How often the outbox is polled (new rows also wake it at once). */
  pollMs?: number;
  nodeId?: string;
}

export type SiemExport = ReturnType<typeof createSiemExport>;

/**
 * Streams the SIEM outbox to syslog (issue 17 item 3). Rows are written in the
 * same transaction as their audit entry or security event, so nothing recorded
 * is left out; a row is marked delivered only once its connection outlived the
 * confirmation window, and a lost connection puts its unconfirmed rows back.
 * While the receiver is down rows wait with back-off; none is dropped.
 */
export function createSiemExport(opts: SiemExportOptions) {
  const { store, log, transport } = opts;
  const nodeId = opts.nodeId ?? `node-${randomUUID()}`;
  const confirmMs = opts.confirmMs ?? 2000;
  const batch = opts.batch ?? 200;
  const retryBase = opts.retryBaseMs ?? 1000;
  const retryMax = opts.retryMaxMs ?? 60_000;
  // A lease outlives a write and its confirmation; a node that dies holding one
  // gives its rows to another node when it runs out.
  const leaseMs = confirmMs + 30_000;
  const backoff = (attempt: number) =>
    Math.min(retryMax, retryBase * 2 ** Math.max(0, attempt - 1));

  /** Written, waiting for their connection to outlive the window. */
  let unconfirmed: { ids: string[]; epoch: number; at: number; attempts: number }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let confirmTimer: NodeJS.Timeout | undefined;
  let draining: Promise<void> | undefined;
  let again = false;
  let stopped = true;
  let failures = 0;
  let delivered = 0;
  let prunedAt = 0;

  transport.onLoss((epoch) => {
    const lost = unconfirmed.filter((u) => u.epoch === epoch);
    if (lost.length === 0) return;
    unconfirmed = unconfirmed.filter((u) => u.epoch !== epoch);
    const ids = lost.flatMap((u) => u.ids);
    log.warn(
      { rows: ids.length },
      'siem: syslog connection lost; sending its unconfirmed rows again',
    );
    const attempts = Math.max(...lost.map((u) => u.attempts));
    store.siem
      .markRetry(ids, nodeId, 'connection lost before confirmation', Date.now() + backoff(attempts))
      .then(() => kick())
      .catch((err: unknown) => logError('siem: requeue failed', err));
  });

  function logError(msg: string, err: unknown): void {
    log.error({ err: err instanceof Error ? err.message : String(err) }, msg);
  }

  async function confirm(): Promise<void> {
    const now = Date.now();
    const ripe = unconfirmed.filter((u) => now - u.at >= confirmMs && transport.alive(u.epoch));
    if (ripe.length === 0) return;
    unconfirmed = unconfirmed.filter((u) => !ripe.includes(u));
    const ids = ripe.flatMap((u) => u.ids);
    delivered += await store.siem.markDelivered(ids, nodeId, now);
  }

  async function records(rows: SiemOutboxRow[]): Promise<Map<string, SiemRecord>> {
    const audit = rows.filter((r) => r.source === 'audit').map((r) => r.sourceId);
    const security = rows.filter((r) => r.source === 'security').map((r) => r.sourceId);
    const [entries, events] = await Promise.all([
      store.audit.byIds(audit),
      store.security.eventsByIds(security),
    ]);
    const out = new Map<string, SiemRecord>();
    for (const entry of entries) out.set(`audit:${entry.id}`, { source: 'audit', entry });
    for (const event of events) out.set(`security:${event.id}`, { source: 'security', event });
    return out;
  }

  async function sendBatch(): Promise<boolean> {
    const rows = await store.siem.claim(SYSLOG_CHANNEL, nodeId, Date.now(), leaseMs, batch);
    if (rows.length === 0) return false;
    const found = await records(rows);
    const frames: Buffer[] = [];
    const ids: string[] = [];
    const gone: string[] = [];
    for (const row of rows) {
      const record = found.get(`${row.source}:${row.sourceId}`);
      // A source erased by retention before it was sent has nothing left to say.
      if (!record) gone.push(row.id);
      else {
        frames.push(frameOctetCounted(formatSyslog(record, opts.format)));
        ids.push(row.id);
      }
    }
    if (gone.length > 0) await store.siem.markDelivered(gone, nodeId, Date.now());
    const attempts = Math.max(...rows.map((r) => r.attempts));
    try {
      const epoch = await transport.write(frames);
      // RELP: the receiver acknowledged each message. Plain syslog: wait out the window.
      if (transport.acknowledged)
        delivered += await store.siem.markDelivered(ids, nodeId, Date.now());
      else unconfirmed.push({ ids, epoch, at: Date.now(), attempts });
      if (failures > 0) log.info({ after: failures }, 'siem: syslog receiver reachable again');
      failures = 0;
      return true;
    } catch (err) {
      failures += 1;
      if (failures === 1 || failures % 20 === 0)
        log.warn(
          { rows: ids.length, failures, err: err instanceof Error ? err.message : 'unknown' },
          'siem: syslog send failed; will retry',
        );
      await store.siem.markRetry(
        ids,
        nodeId,
        err instanceof Error ? err.message : 'send failed',
        Date.now() + backoff(attempts),
      );
      return false;
    }
  }

  async function drainOnce(): Promise<void> {
    // Delivered rows are only bookkeeping: gone after a week, looked at once an hour.
    if (Date.now() - prunedAt > 3_600_000) {
      prunedAt = Date.now();
      await store.siem.prune(prunedAt - DELIVERED_KEPT_MS);
    }
    do {
      again = false;
      while (!stopped && (await sendBatch()));
    } while (again && !stopped);
  }

  function kick(): void {
    if (stopped) return;
    if (draining) {
      again = true;
      return;
    }
    draining = drainOnce()
      .catch((err: unknown) => logError('siem: drain failed', err))
      .finally(() => {
        draining = undefined;
      });
  }

  return {
    nodeId,
    /** Wakes the drain (a new row was written). */
    kick,
    start(): void {
      if (!stopped) return;
      stopped = false;
      timer = setInterval(kick, opts.pollMs ?? 2000);
      timer.unref();
      confirmTimer = setInterval(
        () => void confirm().catch((err: unknown) => logError('siem: confirm failed', err)),
        Math.max(50, Math.min(500, confirmMs / 4)),
      );
      confirmTimer.unref();
      kick();
    },
    /** Rows this node marked delivered since it started (tests, metrics). */
    get delivered(): number {
      return delivered;
    },
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      clearInterval(confirmTimer);
      await draining;
      transport.close();
    },
  };
}
