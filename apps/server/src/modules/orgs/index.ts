export { createOrganisation, isAllowedOrigin, normaliseOrigin } from './service';
export { registerOrgRoutes } from './routes';
