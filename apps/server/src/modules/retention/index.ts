export {
  createRetentionService,
  defaultRetention,
  RETENTION_LEASE,
  RETENTION_LEASE_MS,
  type RetentionFiles,
  type RetentionService,
} from './service';
export { createRetentionJob } from './job';
export { registerRetentionRoutes } from './routes';
export { presentRetention } from './presenter';
