import { HandlerRegistry, type Bus, type BusHandler, type BusEvent } from './bus';

/** The in-process bus for a single node: events are dispatched synchronously. */
export function createLocalBus(): Bus {
  const registry = new HandlerRegistry();
  return {
    async publish(topic: string, event: BusEvent) {
      registry.dispatch(topic, event);
    },
    async subscribe(topic: string, handler: BusHandler) {
      registry.add(topic, handler);
      return () => {
        registry.remove(topic, handler);
      };
    },
    async close() {},
  };
}
