export {
  startServer,
  storeOptionsFor,
  VERSION,
  type RunningServer,
  type StartOptions,
} from './main';
export { loadConfig, ConfigError, type Config } from './config';
