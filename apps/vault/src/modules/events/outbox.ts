/**
 * Vault→server events through an outbox table: an event is written in the
 * same transaction as the change it reports, then delivered signed to
 * `${serverUrl}/internal/vault/events`, in order, retried with exponential
 * backoff until the server answers 2xx, so nothing is lost while it is down.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { signedFetch } from '@parley/signing';
import type { VaultDatabase } from '../../store/types';

export const EVENTS_PATH = '/internal/vault/events';

export interface OutboxOptions {
  db: Kysely<VaultDatabase>;
  log: Logger;
  serverUrl: string;
  secret: string;
  baseDelayMs: number;
  maxDelayMs: number;
}

export async function enqueueEvent(
  trx: Transaction<VaultDatabase> | Kysely<VaultDatabase>,
  event: { id: string; paymentId: string; body: unknown },
): Promise<void> {
  const now = new Date().toISOString();
  await trx
    .insertInto('outbox')
    .values({
      event_id: event.id,
      payment_id: event.paymentId,
      body: JSON.stringify(event.body),
      attempts: 0,
      next_attempt_at: now,
      delivered_at: null,
      last_error: null,
      created_at: now,
    })
    .execute();
}

export class Outbox {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private again = false;

  constructor(private readonly options: OutboxOptions) {}

  start(): void {
    this.schedule(0);
  }

  /** Asks for a delivery run now (after a commit that enqueued an event). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.run().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    let wait = 1000;
    try {
      wait = await this.deliverDue();
    } catch (error) {
      this.options.log.error({ err: error }, 'outbox run failed');
    }
    if (this.again) {
      this.again = false;
      wait = 0;
    }
    this.schedule(wait);
  }

  /** Delivers due events head first; returns how long to wait before the next run. */
  private async deliverDue(): Promise<number> {
    const { db, log } = this.options;
    for (;;) {
      if (this.stopped) return 1000;
      const head = await db
        .selectFrom('outbox')
        .selectAll()
        .where('delivered_at', 'is', null)
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (!head) return 1000;
      const due = Date.parse(head.next_attempt_at) - Date.now();
      // The head blocks the rest, so the server sees each payment's events in order.
      if (due > 0) return Math.min(due, 1000);
      const error = await this.send(head.body);
      const now = new Date();
      if (error === undefined) {
        await db
          .updateTable('outbox')
          .set({ delivered_at: now.toISOString(), attempts: head.attempts + 1, last_error: null })
          .where('id', '=', head.id)
          .execute();
        log.info(
          { eventId: head.event_id, paymentId: head.payment_id, attempts: head.attempts + 1 },
          'event delivered',
        );
        continue;
      }
      const delay = Math.min(
        this.options.baseDelayMs * 2 ** head.attempts,
        this.options.maxDelayMs,
      );
      await db
        .updateTable('outbox')
        .set({
          attempts: head.attempts + 1,
          last_error: error,
          next_attempt_at: new Date(now.getTime() + delay).toISOString(),
        })
        .where('id', '=', head.id)
        .execute();
      log.warn(
        {
          eventId: head.event_id,
          paymentId: head.payment_id,
          attempts: head.attempts + 1,
          retryInMs: delay,
          reason: error,
        },
        'event delivery failed; will retry',
      );
      return Math.min(delay, 1000);
    }
  }

  private async send(body: string): Promise<string | undefined> {
    try {
      const res = await signedFetch({
        secret: this.options.secret,
        url: `${this.options.serverUrl}${EVENTS_PATH}`,
        method: 'POST',
        json: JSON.parse(body) as unknown,
        timeoutMs: 10_000,
      });
      await res.body?.cancel();
      return res.ok ? undefined : `HTTP ${res.status}`;
    } catch (error) {
      return error instanceof Error ? error.name : 'error';
    }
  }
}
