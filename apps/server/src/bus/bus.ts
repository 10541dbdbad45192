import { countFault } from '../lib/fault-counters';

/**
 * The bus carries events between the nodes of a cluster: a topic per
 * conversation (`conv:<id>`) and per organisation (`org:<id>`). The WebSocket
 * frame inside an event is serialised once, by the publisher, and written as
 * is to every subscribed socket (DESIGN.md "Serialise once").
 */
export interface BusEvent {
  /** Who may receive it: every subscriber, or only visitor or agent sockets. */
  audience: 'all' | 'visitor' | 'agent';
  /** Set for chat messages so subscribers can keep order and fill gaps. */
  seq?: number;
  conversationId?: string;
  /** The serialised server frame. */
  frame: string;
}

export type BusHandler = (event: BusEvent) => void;

export interface SubscribeHooks {
  /**
   * Called when the subscription was (re)established after events may have
   * been missed (a bus outage, a failed subscribe that was retried): the
   * subscriber catches up from the store.
   */
  onResync?: () => void;
}

export interface Bus {
  /**
   * Publishes an event. Never rejects: an event the bus cannot take now waits
   * in a bounded outbox and is published, in order and once, when the bus is
   * back (DESIGN.md law 8), so a caller that has committed is never failed by
   * the fan-out.
   */
  publish(topic: string, event: BusEvent): Promise<void>;
  /**
   * Resolves once the subscription is live, or, when the bus is down, once it
   * is queued to be restored (then `onResync` runs when it is). Never rejects.
   * The returned function unsubscribes.
   */
  subscribe(topic: string, handler: BusHandler, hooks?: SubscribeHooks): Promise<() => void>;
  close(): Promise<void>;
}

export const topics = {
  conversation: (id: string) => `conv:${id}`,
  organisation: (id: string) => `org:${id}`,
};

/** Reports a handler failure once, with context; set by the driver. */
export type HandlerErrorSink = (topic: string, err: unknown) => void;

/**
 * Handler bookkeeping shared by the drivers: topic → handlers, with first/last
 * hooks. Dispatch isolates handlers: one that throws (a socket that failed)
 * never stops the others nor reaches the publisher.
 */
export class HandlerRegistry {
  private readonly handlers = new Map<string, Map<BusHandler, SubscribeHooks>>();

  constructor(private readonly onHandlerError: HandlerErrorSink = () => undefined) {}

  /** Returns true when this is the topic's first handler. */
  add(topic: string, handler: BusHandler, hooks: SubscribeHooks = {}): boolean {
    let set = this.handlers.get(topic);
    const first = !set;
    if (!set) {
      set = new Map();
      this.handlers.set(topic, set);
    }
    set.set(handler, hooks);
    return first;
  }

  /** Returns true when the topic has no handlers left. */
  remove(topic: string, handler: BusHandler): boolean {
    const set = this.handlers.get(topic);
    if (!set) return false;
    set.delete(handler);
    if (set.size === 0) {
      this.handlers.delete(topic);
      return true;
    }
    return false;
  }

  has(topic: string): boolean {
    return this.handlers.has(topic);
  }

  dispatch(topic: string, event: BusEvent): void {
    const set = this.handlers.get(topic);
    if (!set) return;
    for (const h of [...set.keys()]) {
      try {
        h(event);
      } catch (err) {
        countFault('busHandlerErrors');
        this.report(topic, err);
      }
    }
  }

  /** Tells every subscriber of the topic that it may have missed events. */
  resync(topic: string): void {
    const set = this.handlers.get(topic);
    if (!set) return;
    for (const hooks of [...set.values()]) {
      try {
        hooks.onResync?.();
      } catch (err) {
        countFault('busHandlerErrors');
        this.report(topic, err);
      }
    }
  }

  topics(): string[] {
    return [...this.handlers.keys()];
  }

  private report(topic: string, err: unknown): void {
    try {
      this.onHandlerError(topic, err);
    } catch {
      // The sink is a logger; it must not turn a contained failure into a crash.
    }
  }
}
