export { createOrganisation, isAllowedOrigin, normaliseOrigin } from './service';
export { registerOrgRoutes, type WidgetRouting } from './routes';
export { registerOrgSettingsRoutes } from './settings-routes';
export { createOrganisationSettingsService, parseOrigins } from './settings-service';
export { presentOrganisationSettings } from './presenter';
export { createBrandingService, brandLanguage, DEFAULT_BRANDING } from './branding-service';
