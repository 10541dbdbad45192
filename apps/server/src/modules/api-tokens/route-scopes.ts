import type { Permission } from '../auth';

/**
 * Which permission an API token needs on an agent route that has no
 * route-level permission (its service checks the role itself). Fail-closed:
 * a route neither here nor guarded by a route-level permission refuses tokens,
 * so a new route is closed to automation until someone decides its scope.
 */
const SCOPE_OF_ROUTE: Readonly<Record<string, Permission>> = {
  'GET /api/conversations': 'conversation:read',
  'GET /api/conversations/:id': 'conversation:read',
  'GET /api/conversations/:id/messages': 'conversation:read',
  'POST /api/conversations/:id/messages': 'conversation:reply',
  'POST /api/conversations/:id/accept': 'conversation:accept',
  'POST /api/conversations/:id/close': 'conversation:close',
  'GET /api/conversations/:id/notes': 'conversation:read',
  'POST /api/conversations/:id/notes': 'conversation:reply',
  'GET /api/conversations/:id/files': 'conversation:read',
  'GET /api/files/:id/link': 'conversation:read',
  'GET /api/conversations/:id/payments': 'conversation:read',
  'POST /api/conversations/:id/payments': 'payment:request',
  'POST /api/payments/:id/cancel': 'payment:cancel',
  'POST /api/payments/:id/refunds': 'payment:refund',
  'GET /api/canned-replies': 'conversation:read',
  'GET /api/conversations/:id/rating': 'conversation:read',
  'POST /api/conversations/:id/transcript': 'conversation:read',
  'GET /api/conversations/:id/contact': 'conversation:read',
  'GET /api/settings/hours': 'settings:manage',
  'PUT /api/settings/hours': 'settings:manage',
  'GET /api/settings/organisation': 'settings:manage',
  'PUT /api/settings/organisation': 'settings:manage',
  'GET /api/settings/branding': 'settings:manage',
  'PUT /api/settings/branding': 'settings:manage',
  'GET /api/settings/masking': 'settings:manage',
  'PUT /api/settings/masking': 'settings:manage',
  'POST /api/settings/masking/test': 'settings:manage',
  'GET /api/files/settings': 'settings:manage',
  'PUT /api/files/settings': 'settings:manage',
  'GET /api/payments/settings': 'settings:manage',
  'PUT /api/payments/settings': 'settings:manage',
  'GET /api/conversations/:id/consent': 'conversation:read',
};

/**
 * Routes that never take a token, even with a route-level permission: signing
 * in, the agent's own account and factors, credential resets (they need a
 * step-up, which only a person at a console can give), single sign-on and the
 * sign-in security settings, token management itself (a token never mints
 * tokens) and webhook endpoints (their signing secrets are credentials too). Prefixes end with '/'; the others are whole routes.
 */
const SESSION_ONLY = [
  '/api/auth/',
  '/api/account/',
  '/api/api-tokens',
  '/api/api-tokens/',
  '/api/security/settings',
  '/api/settings/sso',
  '/api/webhooks',
  '/api/webhooks/',
  '/api/agents/:id/mfa/reset',
  '/api/agents/:id/password/reset',
];
const sessionOnly = (route: string) =>
  SESSION_ONLY.some((p) => (p.endsWith('/') ? route.startsWith(p) : route === p));

/** The permission a token needs for `METHOD route`, or undefined when the route refuses tokens. */
export function tokenScopeFor(
  method: string,
  route: string,
  routePermission: Permission | undefined,
): Permission | undefined {
  if (sessionOnly(route)) return undefined;
  return routePermission ?? SCOPE_OF_ROUTE[`${method} ${route}`];
}

/** For the OpenAPI document and its test: every route a token may use, with its scope. */
export const TOKEN_ROUTE_SCOPES = SCOPE_OF_ROUTE;
