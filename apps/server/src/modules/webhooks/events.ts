import type { WebhookEventType } from '@parley/protocol';
import type { Logger } from '../../logger';

/**
 * A chat event as the module that caused it reports it, after its change is
 * committed: ids only (`subject`), never content. `key` makes it unique (a
 * repeat of the same event is queued once per endpoint).
 */
export interface ChatEvent {
  orgId: string;
  type: WebhookEventType;
  key: string;
  subject: Record<string, string | number>;
  occurredAt: number;
}

export interface ChatEventSink {
  /** Never throws and never waits: a listener's failure is logged (law 8). */
  emit(event: ChatEvent): void;
}

/**
 * The chat events of this node, fanned out to listeners in process (the
 * webhooks today, reports later). Only the node that made a change emits its
 * event, so each event is queued once.
 */
export function createChatEventHub(log: Pick<Logger, 'warn'>) {
  const listeners: Array<(e: ChatEvent) => unknown> = [];
  const failed = (err: unknown, type: string) =>
    log.warn(
      { err: err instanceof Error ? err.message : String(err), event: type },
      'chat event listener failed',
    );
  return {
    emit(event: ChatEvent): void {
      for (const l of listeners) {
        try {
          void Promise.resolve(l(event)).catch((err: unknown) => failed(err, event.type));
        } catch (err) {
          failed(err, event.type);
        }
      }
    },
    on(listener: (e: ChatEvent) => unknown): void {
      listeners.push(listener);
    },
  };
}

export type ChatEventHub = ReturnType<typeof createChatEventHub>;
