import {
  HandlerRegistry,
  type Bus,
  type BusEvent,
  type BusHandler,
  type HandlerErrorSink,
} from './bus';

/** The in-process bus for a single node: events are dispatched synchronously, each handler isolated. */
export function createLocalBus(onHandlerError?: HandlerErrorSink): Bus {
  const registry = new HandlerRegistry(onHandlerError);
  return {
    async publish(topic: string, event: BusEvent) {
      registry.dispatch(topic, event);
    },
    async subscribe(topic: string, handler: BusHandler, hooks) {
      registry.add(topic, handler, hooks);
      return () => {
        registry.remove(topic, handler);
      };
    },
    async close() {},
  };
}
