export { createApiTokenService, TOKEN_PREFIX, type ApiTokenService } from './service';
export { registerApiTokenRoutes } from './routes';
export { presentApiToken } from './presenter';
export { tokenScopeFor, TOKEN_ROUTE_SCOPES } from './route-scopes';
