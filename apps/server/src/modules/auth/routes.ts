import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  LoginRequestSchema,
  MfaConfirmRequestSchema,
  MfaVerifyRequestSchema,
  ParleyError,
  PasswordChangeRequestSchema,
  StepUpRequestSchema,
} from '@parley/protocol';
import type { Store } from '../../store';
import type { SecurityEvents } from '../security';
import type { Admission } from './admission';
import type { Attempts } from './attempts';
import type { ProofOfWork } from './challenge';
import type { MfaService } from './mfa';
import type { OidcService } from './oidc';
import type { PasskeyService } from './passkeys';
import type { Permission } from './policy';
import { presentSession } from './presenter';
import type { AgentContext, AuthService } from './service';

/** The session cookie; on TLS it carries the __Host- prefix (no Domain, Path=/, Secure: no subdomain can plant it). */
export const SESSION_COOKIE = 'parley_session';
export const sessionCookieName = (secure: boolean) =>
  secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;

declare module 'fastify' {
  interface FastifyRequest {
    agentContext?: AgentContext;
  }
}

export interface AuthRouteOptions {
  auth: AuthService;
  mfa: MfaService;
  events: SecurityEvents;
  store: Store;
  secureCookies: boolean;
  /** Origins the console is served from; cookie-authenticated writes must come from one. */
  selfOrigins: ReadonlySet<string>;
  /** The one admission (./admission.ts), shared with the WebSocket upgrade. */
  admission: Admission;
  pow: ProofOfWork;
  attempts: Attempts;
  /** Passkeys (./passkey-routes.ts) and single sign-on (./oidc-routes.ts), when wired. */
  passkeys?: PasskeyService;
  oidc?: OidcService;
}

export interface RequireAgentOptions {
  /** 'any': also a session that has not finished signing in (the sign-in routes themselves). */
  stage?: 'ok' | 'any';
  /** The role permission the route needs (modules/auth/policy.ts). */
  permission?: Permission;
  /** Serve a session locked by the idle timeout too (./session-lock.ts). */
  allowLocked?: boolean;
}

/** preHandler for agent routes: the one admission (./admission.ts) decides. */
export function requireAgent(opts: AuthRouteOptions, options: RequireAgentOptions = {}) {
  const cookie = sessionCookieName(opts.secureCookies);
  const preHandler = async (request: FastifyRequest): Promise<void> => {
    const header = request.headers['x-csrf-token'];
    const authorization = request.headers.authorization;
    request.agentContext = await opts.admission({
      bearer: authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined,
      transport: 'http',
      token: request.cookies[cookie],
      ip: request.ip,
      method: request.method,
      origin: request.headers.origin,
      csrfToken: typeof header === 'string' ? header : undefined,
      stage: options.stage ?? 'ok',
      permission: options.permission,
      allowLocked: options.allowLocked,
      route: request.routeOptions.url ?? '',
    });
  };
  // Read by the route census (http/app.ts) for the OpenAPI document's token scopes.
  return Object.assign(preHandler, { parleyAgentRoute: { permission: options.permission } });
}

/** The agent-route marker requireAgent puts on its preHandler (undefined: not an agent route). */
export function agentRouteOf(handler: unknown): { permission: Permission | undefined } | undefined {
  return (handler as { parleyAgentRoute?: { permission: Permission | undefined } } | null)
    ?.parleyAgentRoute;
}

/** The agent context of a request that passed requireAgent. */
export function agentOf(request: FastifyRequest): AgentContext {
  if (!request.agentContext) throw new ParleyError('unauthorized');
  return request.agentContext;
}

export function registerAuthRoutes(app: FastifyInstance, opts: AuthRouteOptions): void {
  const SESSION = sessionCookieName(opts.secureCookies);
  const cookieOptions = {
    httpOnly: true,
    secure: opts.secureCookies,
    sameSite: 'strict' as const,
    path: '/',
  };
  const signingIn = { preHandler: requireAgent(opts, { stage: 'any' }) };
  // The session route and sign-out also answer a locked console (it shows the lock screen).
  const evenLocked = { preHandler: requireAgent(opts, { stage: 'any', allowLocked: true }) };
  const signedIn = { preHandler: requireAgent(opts) };
  const refreshed = async (request: FastifyRequest, token = request.cookies[SESSION]) => {
    const ctx = await opts.auth.authenticate(token, { ip: request.ip });
    if (!ctx) throw new ParleyError('unauthorized');
    return presentSession(ctx);
  };

  app.post('/api/auth/login', async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    // Login CSRF: a sign-in form posted from another site is refused.
    if (origin !== undefined && !opts.selfOrigins.has(origin)) throw new ParleyError('csrf_failed');
    const body = LoginRequestSchema.parse(request.body);
    const { token, context } = await opts.auth.login(
      body.email,
      body.password,
      request.ip,
      body.altcha,
    );
    request.log.info(
      { agentId: context.agent.id, orgId: context.agent.orgId, stage: context.stage },
      'agent signed in',
    );
    const userAgent = request.headers['user-agent'];
    if (userAgent) await opts.store.account.setUserAgent(context.session.tokenHash, userAgent);
    void reply.setCookie(SESSION, token, cookieOptions);
    return presentSession(context);
  });

  // The proof-of-work challenge sign-in asks for after a few failures (challenge_required).
  app.get('/api/auth/challenge', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    return opts.pow.create();
  });

  app.post('/api/auth/step-up', signingIn, async (request) => {
    const body = StepUpRequestSchema.parse(request.body);
    return opts.mfa.stepUp(agentOf(request), body.password, body.code, request.ip);
  });

  app.get('/api/auth/session', evenLocked, async (request) => presentSession(agentOf(request)));

  app.post('/api/auth/logout', evenLocked, async (request, reply) => {
    const token = request.cookies[SESSION];
    if (token) await opts.auth.logout(token, agentOf(request), request.ip);
    void reply.clearCookie(SESSION, cookieOptions);
    return { ok: true };
  });

  app.post('/api/auth/logout-all', signedIn, async (request, reply) => {
    const ctx = agentOf(request);
    const sessions = await opts.auth.logoutEverywhere(ctx.agent.orgId, ctx.agent.id, {
      actorId: ctx.agent.id,
      ip: request.ip,
    });
    void reply.clearCookie(SESSION, cookieOptions);
    return { ok: true, sessions };
  });

  // Passing the second factor raises the session's privilege: it gets a new id.
  const rotate = async (request: FastifyRequest, reply: FastifyReply): Promise<string> => {
    const token = await opts.auth.rotate(agentOf(request));
    void reply.setCookie(SESSION, token, cookieOptions);
    return token;
  };

  app.post('/api/auth/mfa/verify', signingIn, async (request, reply) => {
    const body = MfaVerifyRequestSchema.parse(request.body);
    await opts.mfa.verify(agentOf(request), body.code, request.ip);
    return refreshed(request, await rotate(request, reply));
  });

  app.post('/api/auth/mfa/enrol', signingIn, async (request) =>
    opts.mfa.startEnrolment(agentOf(request), request.ip),
  );

  app.post('/api/auth/mfa/enrol/confirm', signingIn, async (request, reply) => {
    const body = MfaConfirmRequestSchema.parse(request.body);
    const recoveryCodes = await opts.mfa.confirmEnrolment(agentOf(request), body.code, request.ip);
    return { recoveryCodes, session: await refreshed(request, await rotate(request, reply)) };
  });

  app.get('/api/auth/mfa', signedIn, async (request) => {
    const ctx = agentOf(request);
    return opts.mfa.status(ctx);
  });

  app.post('/api/auth/mfa/recovery-codes', signedIn, async (request) => ({
    recoveryCodes: await opts.mfa.regenerateRecoveryCodes(agentOf(request), request.ip),
  }));

  app.delete('/api/auth/mfa', signedIn, async (request) => {
    await opts.mfa.disable(agentOf(request), request.ip);
    return { ok: true };
  });

  app.post('/api/auth/password', signingIn, async (request) => {
    const ctx = agentOf(request);
    if (ctx.stage === 'mfa_verify') throw new ParleyError('mfa_required');
    const body = PasswordChangeRequestSchema.parse(request.body);
    await opts.mfa.changePassword(ctx, body.currentPassword, body.newPassword, request.ip);
    return refreshed(request);
  });
}
