export {
  createVisitorIdentityService,
  defaultIdentitySettings,
  detailsCtx as identityDetailsContext,
  type IdentitySettingsPatch,
  type VisitorIdentityDetails,
  type VisitorIdentityService,
} from './service';
export {
  CLOCK_SKEW_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
  IdentityRefusal,
  parsePublicKey,
  verifyIdentityToken,
  type VerifiedIdentity,
} from './verify';
export { registerVisitorIdentityRoutes } from './routes';
export { presentIdentitySettings } from './presenter';
