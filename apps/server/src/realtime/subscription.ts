import type { BusEvent } from '../bus';

const MAX_QUEUED_EVENTS = 1000;

/**
 * Delivery of one conversation to one socket: every message once, in seq
 * order (DESIGN.md law 5). Live events that arrive while history is being
 * replayed wait in a queue; an event whose seq skips ahead (another node
 * published later messages first, or a node died between commit and publish)
 * triggers a fill from the store before it is sent.
 */
export class ConversationDelivery {
  lastSeq: number;
  private busy = true; // replaying until `ready()`
  private readonly queue: BusEvent[] = [];
  private resyncWanted = false;

  constructor(
    afterSeq: number,
    private readonly write: (frame: string) => void,
    /** Writes stored messages with afterSeq < seq < beforeSeq (all of them when beforeSeq is undefined); resolves to the last seq written. */
    private readonly fill: (afterSeq: number, beforeSeq: number | undefined) => Promise<number>,
    private readonly onError: (err: unknown) => void,
  ) {
    this.lastSeq = afterSeq;
  }

  /** Replays stored history after lastSeq, then starts live delivery. */
  async replay(): Promise<number> {
    this.busy = true;
    try {
      this.lastSeq = Math.max(this.lastSeq, await this.fill(this.lastSeq, undefined));
    } finally {
      this.busy = false;
    }
    this.drain();
    return this.lastSeq;
  }

  /**
   * Catches up from the store after the bus may have dropped events (an
   * outage, a subscription restored late): whatever was committed meanwhile
   * is delivered now, once, in order, not only when the next message arrives.
   */
  resync(): void {
    if (this.busy) {
      this.resyncWanted = true;
      return;
    }
    this.busy = true;
    this.fill(this.lastSeq, undefined)
      .then((last) => {
        this.lastSeq = Math.max(this.lastSeq, last);
        this.busy = false;
        this.drain();
      })
      .catch((err: unknown) => {
        this.busy = false;
        this.onError(err);
      });
  }

  push(event: BusEvent): void {
    if (this.busy) {
      // Bounded: past the bound, stored messages are fetched by a resync instead.
      if (this.queue.length >= MAX_QUEUED_EVENTS) this.resyncWanted = true;
      else this.queue.push(event);
      return;
    }
    this.deliver(event);
  }

  private deliver(event: BusEvent): void {
    const seq = event.seq;
    if (seq === undefined) {
      this.write(event.frame);
      return;
    }
    if (seq <= this.lastSeq) return; // already delivered (replay or gap fill)
    if (seq === this.lastSeq + 1) {
      this.lastSeq = seq;
      this.write(event.frame);
      return;
    }
    // A gap: fetch what is missing, then carry on with this event.
    this.busy = true;
    this.queue.unshift(event);
    this.fill(this.lastSeq, seq)
      .then((last) => {
        this.lastSeq = Math.max(this.lastSeq, last);
        this.busy = false;
        this.drain();
      })
      .catch((err: unknown) => {
        this.busy = false;
        this.onError(err);
      });
  }

  private drain(): void {
    while (!this.busy && this.queue.length > 0) {
      const next = this.queue.shift();
      if (next) this.deliver(next);
    }
    if (!this.busy && this.resyncWanted) {
      this.resyncWanted = false;
      this.resync();
    }
  }
}
