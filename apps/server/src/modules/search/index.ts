export { createHistoryService, type HistoryService } from './service';
export { registerHistoryRoutes } from './routes';
export { mayReadHistory } from './policy';
