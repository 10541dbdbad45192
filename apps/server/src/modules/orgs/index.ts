export { createOrganisation, isAllowedOrigin, normaliseOrigin } from './service';
export { registerOrgRoutes } from './routes';
export { registerOrgSettingsRoutes, parseOrigins } from './settings-routes';
