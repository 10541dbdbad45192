import type { FastifyInstance } from 'fastify';
import { ParleyError, UpdateSsoSettingsRequestSchema, type SsoSettings } from '@parley/protocol';
import type { OrgIdentityRow } from '../../store';
import type { OidcService } from './oidc';
import { sessionCookieOptions } from './passkey-routes';
import { updateSsoSettings } from './sso-settings';
import { agentOf, requireAgent, sessionCookieName, type AuthRouteOptions } from './routes';

function presentSso(s: OrgIdentityRow, oidc: OidcService): SsoSettings {
  return {
    enabled: s.sso.enabled,
    issuer: s.sso.issuer,
    clientId: s.sso.clientId,
    clientSecretSet: s.sso.clientSecret !== null,
    scopes: s.sso.scopes,
    roleClaim: s.sso.roleClaim,
    roleMap: s.sso.roleMap,
    defaultRole: s.sso.defaultRole,
    jit: s.sso.jit,
    mfaAmr: s.sso.mfaAmr,
    mfaAcr: s.sso.mfaAcr,
    redirectUri: oidc.redirectUri(),
    backchannelLogoutUri: oidc.logoutUri(s.orgId),
    requirePasskeyForAdmins: s.requirePasskeyForAdmins,
  };
}

/** SSO routes: sign-in start and callback, back-channel logout, and the admins' settings. */
export function registerOidcRoutes(app: FastifyInstance, opts: AuthRouteOptions): void {
  const oidc = opts.oidc;
  if (!oidc) return;
  const SESSION = sessionCookieName(opts.secureCookies);
  const admin = { preHandler: requireAgent(opts, { permission: 'settings:manage' }) };

  app.get('/api/auth/sso/start', async (request, reply) => {
    const { organisation } = request.query as { organisation?: string };
    if (!organisation) throw new ParleyError('bad_request');
    void reply.header('cache-control', 'no-store');
    return reply.redirect(await oidc.start(organisation), 303);
  });

  app.get('/api/auth/sso/callback', async (request, reply) => {
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    void reply.header('cache-control', 'no-store');
    try {
      const { token, context } = await oidc.callback(query, request.ip);
      request.log.info(
        { agentId: context.agent.id, orgId: context.agent.orgId },
        'agent signed in with SSO',
      );
      void reply.setCookie(SESSION, token, sessionCookieOptions(opts.secureCookies));
      return await reply.redirect('/', 303);
    } catch (err) {
      const code = err instanceof ParleyError ? err.code : 'sso_failed';
      return reply.redirect(`/?sso_error=${encodeURIComponent(code)}`, 303);
    }
  });

  // The IdP posts application/x-www-form-urlencoded; parsed only in this scope.
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_req, body, done) => done(null, new URLSearchParams(String(body))),
    );
    scope.post('/api/auth/sso/backchannel-logout/:orgId', async (request, reply) => {
      const { orgId } = request.params as { orgId: string };
      const token =
        request.body instanceof URLSearchParams ? request.body.get('logout_token') : null;
      void reply.header('cache-control', 'no-store');
      if (!token) throw new ParleyError('bad_request');
      const sessions = await oidc.backchannelLogout(orgId, token, request.ip);
      return { ok: true, sessions };
    });
  });

  app.get('/api/settings/sso', admin, async (request) =>
    presentSso(await opts.store.identity.settings(agentOf(request).agent.orgId), oidc),
  );

  // settings:manage is checked again, and the change audited, by the service.
  app.put('/api/settings/sso', admin, async (request) => {
    const ctx = agentOf(request);
    const body = UpdateSsoSettingsRequestSchema.parse(request.body);
    const saved = await updateSsoSettings(
      opts.store,
      { actor: ctx.actor, sessionTokenHash: ctx.session.tokenHash, ip: request.ip },
      body,
    );
    return presentSso(saved, oidc);
  });
}
