export { createConsentService, DEFAULT_CONSENT_TEXT, type ConsentService } from './service';
export { registerConsentRoutes } from './routes';
export { presentConsent, presentConsentSettings, presentWidgetConsent } from './presenter';
