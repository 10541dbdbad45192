/** Authenticated context of an endpoint's sealed signing secret (bound to its organisation and id). */
export const webhookSecretContext = (orgId: string, endpointId: string): string =>
  `webhook_endpoints.secret:${orgId}:${endpointId}`;

/** Every signing secret starts so, to be told apart at a glance. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
