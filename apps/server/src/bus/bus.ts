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

export interface Bus {
  publish(topic: string, event: BusEvent): Promise<void>;
  /** Resolves once the subscription is live; the returned function unsubscribes. */
  subscribe(topic: string, handler: BusHandler): Promise<() => void>;
  close(): Promise<void>;
}

export const topics = {
  conversation: (id: string) => `conv:${id}`,
  organisation: (id: string) => `org:${id}`,
};

/** Handler bookkeeping shared by the drivers: topic → handlers, with first/last hooks. */
export class HandlerRegistry {
  private readonly handlers = new Map<string, Set<BusHandler>>();

  /** Returns true when this is the topic's first handler. */
  add(topic: string, handler: BusHandler): boolean {
    let set = this.handlers.get(topic);
    const first = !set;
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
    }
    set.add(handler);
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

  dispatch(topic: string, event: BusEvent): void {
    const set = this.handlers.get(topic);
    if (!set) return;
    for (const h of set) h(event);
  }

  topics(): string[] {
    return [...this.handlers.keys()];
  }
}
