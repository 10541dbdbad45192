import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LoginRequestSchema, ParleyError } from '@parley/protocol';
import { safeEqual } from '../../lib/tokens';
import { presentSession } from './presenter';
import type { AgentContext, AuthService } from './service';

export const SESSION_COOKIE = 'parley_session';

declare module 'fastify' {
  interface FastifyRequest {
    agentContext?: AgentContext;
  }
}

export interface AuthRouteOptions {
  auth: AuthService;
  secureCookies: boolean;
  /** Origins the console is served from; cookie-authenticated writes must come from one. */
  selfOrigins: ReadonlySet<string>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * preHandler for agent routes: a valid session cookie, and for writes a
 * matching CSRF token (synchroniser token from the session) and, when the
 * browser sends one, a same-origin Origin header.
 */
export function requireAgent(opts: AuthRouteOptions) {
  return async (request: FastifyRequest): Promise<void> => {
    const ctx = await opts.auth.authenticate(request.cookies[SESSION_COOKIE]);
    if (!ctx) throw new ParleyError('unauthorized');
    if (!SAFE_METHODS.has(request.method)) {
      const origin = request.headers.origin;
      if (origin !== undefined && !opts.selfOrigins.has(origin)) throw new ParleyError('csrf_failed');
      const header = request.headers['x-csrf-token'];
      if (typeof header !== 'string' || !safeEqual(header, ctx.session.csrfToken)) throw new ParleyError('csrf_failed');
    }
    request.agentContext = ctx;
  };
}

/** The agent context of a request that passed requireAgent. */
export function agentOf(request: FastifyRequest): AgentContext {
  if (!request.agentContext) throw new ParleyError('unauthorized');
  return request.agentContext;
}

export function registerAuthRoutes(app: FastifyInstance, opts: AuthRouteOptions): void {
  const cookieOptions = {
    httpOnly: true,
    secure: opts.secureCookies,
    sameSite: 'strict' as const,
    path: '/',
  };

  app.post('/api/auth/login', async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    // Login CSRF: a sign-in form posted from another site is refused.
    if (origin !== undefined && !opts.selfOrigins.has(origin)) throw new ParleyError('csrf_failed');
    const body = LoginRequestSchema.parse(request.body);
    const { token, context } = await opts.auth.login(body.email, body.password);
    request.log.info({ agentId: context.agent.id, orgId: context.agent.orgId }, 'agent signed in');
    void reply.setCookie(SESSION_COOKIE, token, cookieOptions);
    return presentSession(context);
  });

  app.get('/api/auth/session', { preHandler: requireAgent(opts) }, async (request) => presentSession(agentOf(request)));

  app.post('/api/auth/logout', { preHandler: requireAgent(opts) }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await opts.auth.logout(token);
    void reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return { ok: true };
  });
}
