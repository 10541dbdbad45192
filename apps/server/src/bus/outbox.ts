import type { Logger } from '../logger';
import { countFault } from '../lib/fault-counters';

export interface OutboxOptions {
  /** Most events held while the bus is down; the oldest are dropped beyond it. */
  max?: number;
  /** How often a non-empty outbox retries while the bus is down. */
  retryMs?: number;
}

/**
 * Events that could not be published wait here, in publish order, and are
 * published once each when the bus is back (DESIGN.md law 8; issue 18). While
 * the outbox holds anything, new events queue behind it so that order holds.
 * It is bounded: past `max` the oldest event is dropped and counted; a stored
 * message that was dropped still reaches subscribers through gap fill and
 * resync, because the store, not the bus, is the record (law 5).
 */
export class Outbox {
  private readonly items: { topic: string; payload: string }[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private dropped = 0;
  private closed = false;
  private readonly max: number;
  private readonly retryMs: number;

  constructor(
    private readonly send: (topic: string, payload: string) => Promise<unknown>,
    private readonly log: Logger,
    options: OutboxOptions = {},
  ) {
    this.max = options.max ?? 10_000;
    this.retryMs = options.retryMs ?? 500;
  }

  get size(): number {
    return this.items.length;
  }

  /** Publishes now when nothing waits; otherwise (or on failure) queues behind what waits. Never rejects. */
  async publish(topic: string, payload: string): Promise<void> {
    if (this.closed) return;
    if (this.items.length === 0) {
      try {
        await this.send(topic, payload);
        return;
      } catch (err) {
        countFault('busPublishFailures');
        if (this.items.length === 0)
          this.log.warn(
            { topic, err: err instanceof Error ? err.message : 'unknown' },
            'bus: publish failed; holding events in the outbox until the bus is back',
          );
      }
    }
    this.enqueue(topic, payload);
  }

  /** Publishes what waits, in order, stopping at the first failure. */
  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => {
      this.flushing = undefined;
      this.schedule();
    });
    return this.flushing;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.items.length > 0)
      this.log.warn({ events: this.items.length }, 'bus: closing with unpublished events');
    this.items.length = 0;
  }

  private enqueue(topic: string, payload: string): void {
    this.items.push({ topic, payload });
    if (this.items.length > this.max) {
      this.items.shift();
      this.dropped += 1;
      countFault('busOutboxDropped');
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.timer || this.items.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.retryMs);
    this.timer.unref();
  }

  private async flushOnce(): Promise<void> {
    let sent = 0;
    while (!this.closed && this.items.length > 0) {
      const next = this.items[0]!;
      try {
        await this.send(next.topic, next.payload);
      } catch {
        break;
      }
      // Only the first of the queue is removed: order holds and each is sent once.
      if (this.items[0] === next) this.items.shift();
      sent += 1;
    }
    if (sent > 0) {
      countFault('busOutboxRepublished', sent);
      if (this.items.length === 0) {
        this.log.info({ republished: sent, dropped: this.dropped }, 'bus: back; outbox published');
        this.dropped = 0;
      }
    }
  }
}
