export {
  createOfflineService,
  type OfflineService,
  type OfflineDeps,
  SIGNED_IN_WINDOW_MS,
  CONTINUE_LINK_DAYS,
} from './service';
export { isWithinHours, localTime, DEFAULT_HOURS } from './hours';
export { registerOfflineRoutes } from './routes';
