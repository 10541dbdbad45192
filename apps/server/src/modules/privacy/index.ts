export { erase, type EraseReport, type EraseTarget, type EraseActor } from './service';
export { registerPrivacyRoutes } from './routes';
