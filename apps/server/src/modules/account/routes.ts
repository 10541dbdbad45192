import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  ParleyError,
  UnlockLinkRequestSchema,
  UnlockLinkUseRequestSchema,
  UnlockSessionRequestSchema,
  UpdateProfileRequestSchema,
} from '@parley/protocol';
import {
  agentOf,
  presentSession,
  requireAgent,
  sessionCookieName,
  type AuthRouteOptions,
  type SessionLock,
} from '../auth';
import type { createAdminResets } from './admin-reset';
import type { AccountService } from './service';
import type { UnlockLinks } from './unlock-links';

const IdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export interface AccountRouteOptions {
  authRoutes: AuthRouteOptions;
  account: AccountService;
  lock: SessionLock;
  unlockLinks: UnlockLinks;
  resets: ReturnType<typeof createAdminResets>;
}

/** Account self-service, the idle lock and e-mailed unlock links over HTTP: parse, call, present. */
export function registerAccountRoutes(app: FastifyInstance, opts: AccountRouteOptions): void {
  const a = opts.authRoutes;
  const signedIn = { preHandler: requireAgent(a) };
  const evenLocked = { preHandler: requireAgent(a, { allowLocked: true }) };
  const manage = { preHandler: requireAgent(a, { permission: 'agent:manage' }) };
  const id = (request: FastifyRequest) => IdParamsSchema.parse(request.params).id;
  const cookie = sessionCookieName(a.secureCookies);
  const clearCookie = (reply: FastifyReply) =>
    void reply.clearCookie(cookie, {
      httpOnly: true,
      secure: a.secureCookies,
      sameSite: 'strict',
      path: '/',
    });
  // Anonymous writes (like sign-in): a form posted from another site is refused.
  const sameOrigin = (request: FastifyRequest) => {
    const origin = request.headers.origin;
    if (origin !== undefined && !a.selfOrigins.has(origin)) throw new ParleyError('csrf_failed');
  };
  const session = async (request: FastifyRequest) => {
    const ctx = await a.auth.authenticate(request.cookies[cookie], { ip: request.ip });
    if (!ctx) throw new ParleyError('unauthorized');
    return presentSession(ctx);
  };

  app.patch('/api/account', signedIn, async (request) => {
    const body = UpdateProfileRequestSchema.parse(request.body);
    await opts.account.rename(agentOf(request), body.name, request.ip);
    return session(request);
  });

  app.get('/api/account/sessions', signedIn, async (request) => ({
    sessions: await opts.account.sessions(agentOf(request)),
  }));

  app.delete('/api/account/sessions/:id', signedIn, async (request, reply) => {
    const r = await opts.account.endSession(agentOf(request), id(request), request.ip);
    if (r.current) clearCookie(reply);
    return { ok: true, current: r.current };
  });

  app.post('/api/account/sessions/end-others', signedIn, async (request) => ({
    ok: true,
    sessions: await opts.account.endOtherSessions(agentOf(request), request.ip),
  }));

  // ---- the idle lock --------------------------------------------------------------
  app.get('/api/account/waiting', evenLocked, async (request) => ({
    waiting: await opts.account.waiting(agentOf(request)),
  }));

  app.post('/api/auth/lock', evenLocked, async (request) => {
    await opts.lock.lock(agentOf(request), request.ip);
    return { ok: true };
  });

  app.post('/api/auth/unlock-session', evenLocked, async (request) => {
    const body = UnlockSessionRequestSchema.parse(request.body);
    await opts.lock.unlock(agentOf(request), body.password, request.ip);
    return session(request);
  });

  // ---- e-mailed unlock links (anonymous) -------------------------------------------
  app.get('/api/auth/unlock-link', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    return { available: opts.unlockLinks.available };
  });

  app.post('/api/auth/unlock-link', async (request, reply) => {
    sameOrigin(request);
    const body = UnlockLinkRequestSchema.parse(request.body);
    // Answered before any lookup: the same answer and timing for every address.
    void opts.unlockLinks.request(body.email, request.ip);
    void reply.status(202);
    return { ok: true };
  });

  app.post('/api/auth/unlock-link/use', async (request) => {
    sameOrigin(request);
    const body = UnlockLinkUseRequestSchema.parse(request.body);
    await opts.unlockLinks.use(body.token, request.ip);
    return { ok: true };
  });

  // ---- admin: reset a colleague's password (step-up) ---------------------------------
  app.post('/api/agents/:id/password/reset', manage, async (request) =>
    opts.resets.resetPassword(agentOf(request), id(request), request.ip),
  );
}
