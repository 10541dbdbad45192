import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  LoginRequestSchema,
  MfaConfirmRequestSchema,
  MfaVerifyRequestSchema,
  ParleyError,
  PasswordChangeRequestSchema,
} from '@parley/protocol';
import type { Store } from '../../store';
import { safeEqual } from '../../lib/tokens';
import { ipAllowed, type SecurityEvents } from '../security';
import type { MfaService } from './mfa';
import { can, type Permission } from './policy';
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
  mfa: MfaService;
  events: SecurityEvents;
  store: Store;
  secureCookies: boolean;
  /** Origins the console is served from; cookie-authenticated writes must come from one. */
  selfOrigins: ReadonlySet<string>;
}

export interface RequireAgentOptions {
  /** 'any': also a session that has not finished signing in (the sign-in routes themselves). */
  stage?: 'ok' | 'any';
  /** The role permission the route needs (modules/auth/policy.ts). */
  permission?: Permission;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * preHandler for agent routes: a valid session cookie; for writes a matching
 * CSRF token (synchroniser token from the session) and, when the browser sends
 * one, a same-origin Origin header; an address on the organisation's
 * allowlist; a finished sign-in (second factor) unless the route is part of
 * signing in; and the route's permission.
 */
export function requireAgent(opts: AuthRouteOptions, options: RequireAgentOptions = {}) {
  return async (request: FastifyRequest): Promise<void> => {
    const ctx = await opts.auth.authenticate(request.cookies[SESSION_COOKIE], { ip: request.ip });
    if (!ctx) throw new ParleyError('unauthorized');
    if (!SAFE_METHODS.has(request.method)) {
      const origin = request.headers.origin;
      const header = request.headers['x-csrf-token'];
      if (
        (origin !== undefined && !opts.selfOrigins.has(origin)) ||
        typeof header !== 'string' ||
        !safeEqual(header, ctx.session.csrfToken)
      ) {
        await opts.events.emit(ctx.agent.orgId, 'session_forged', {
          agentId: ctx.agent.id,
          ip: request.ip,
          detail: { reason: 'csrf', route: request.routeOptions.url ?? '' },
        });
        throw new ParleyError('csrf_failed');
      }
    }
    const settings = await opts.store.security.settings(ctx.agent.orgId);
    if (!ipAllowed(settings.ipAllowlist, request.ip)) {
      await opts.events.emit(ctx.agent.orgId, 'ip_blocked', {
        agentId: ctx.agent.id,
        ip: request.ip,
        detail: { route: request.routeOptions.url ?? '' },
      });
      throw new ParleyError('ip_not_allowed');
    }
    if (options.stage !== 'any' && ctx.stage !== 'ok') {
      throw new ParleyError(
        ctx.stage === 'password_change' ? 'password_change_required' : 'mfa_required',
      );
    }
    if (options.permission && !can(ctx.actor, options.permission, { orgId: ctx.agent.orgId }))
      throw new ParleyError('forbidden');
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
  const signingIn = { preHandler: requireAgent(opts, { stage: 'any' }) };
  const signedIn = { preHandler: requireAgent(opts) };
  const refreshed = async (request: FastifyRequest, token = request.cookies[SESSION_COOKIE]) => {
    const ctx = await opts.auth.authenticate(token, { ip: request.ip });
    if (!ctx) throw new ParleyError('unauthorized');
    return presentSession(ctx);
  };

  app.post('/api/auth/login', async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    // Login CSRF: a sign-in form posted from another site is refused.
    if (origin !== undefined && !opts.selfOrigins.has(origin)) throw new ParleyError('csrf_failed');
    const body = LoginRequestSchema.parse(request.body);
    const { token, context } = await opts.auth.login(body.email, body.password, request.ip);
    request.log.info(
      { agentId: context.agent.id, orgId: context.agent.orgId, stage: context.stage },
      'agent signed in',
    );
    void reply.setCookie(SESSION_COOKIE, token, cookieOptions);
    return presentSession(context);
  });

  app.get('/api/auth/session', signingIn, async (request) => presentSession(agentOf(request)));

  app.post('/api/auth/logout', signingIn, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await opts.auth.logout(token, agentOf(request), request.ip);
    void reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return { ok: true };
  });

  app.post('/api/auth/logout-all', signedIn, async (request, reply) => {
    const ctx = agentOf(request);
    const sessions = await opts.auth.logoutEverywhere(ctx.agent.orgId, ctx.agent.id, {
      actorId: ctx.agent.id,
      ip: request.ip,
    });
    void reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return { ok: true, sessions };
  });

  // Passing the second factor raises the session's privilege: it gets a new id.
  const rotate = async (request: FastifyRequest, reply: FastifyReply): Promise<string> => {
    const token = await opts.auth.rotate(agentOf(request));
    void reply.setCookie(SESSION_COOKIE, token, cookieOptions);
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
    const mfa = await opts.store.security.mfa(ctx.agent.orgId, ctx.agent.id);
    return {
      enabled: !!mfa?.totpSecret,
      recoveryCodesLeft: await opts.store.security.unusedRecoveryCodes(
        ctx.agent.orgId,
        ctx.agent.id,
      ),
    };
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
