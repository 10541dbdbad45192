export type { Bus, BusEvent, BusHandler } from './bus';
export { topics } from './bus';
export { createLocalBus } from './local';
export { createRedisBus } from './redis';
