export { createOrganisation, isAllowedOrigin, normaliseOrigin } from './service';
export { registerOrgRoutes, type WidgetRouting } from './routes';
export { registerOrgSettingsRoutes } from './settings-routes';
export { createOrganisationSettingsService, parseOrigins } from './settings-service';
export { presentOrganisationSettings } from './presenter';
