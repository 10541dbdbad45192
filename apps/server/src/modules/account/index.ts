export { createAccountService, type AccountService } from './service';
export { createUnlockLinks, UNLOCK_LINK_MS, type UnlockLinks } from './unlock-links';
export { createAdminResets } from './admin-reset';
export { registerAccountRoutes, type AccountRouteOptions } from './routes';
export { describeDevice } from './user-agent';
