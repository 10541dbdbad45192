import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import {
  ParleyError,
  PasskeyAssertionRequestSchema,
  PasskeyRegisterRequestSchema,
} from '@parley/protocol';
import type { RelyingParty } from './passkeys';
import { presentSession } from './presenter';
import { agentOf, requireAgent, sessionCookieName, type AuthRouteOptions } from './routes';

export const sessionCookieOptions = (secure: boolean) => ({
  httpOnly: true,
  secure,
  sameSite: 'strict' as const,
  path: '/',
});

/** The relying party is the console's origin, which must be one of the server's own. */
function relyingParty(opts: AuthRouteOptions, request: FastifyRequest): RelyingParty {
  const origin = request.headers.origin;
  if (!origin || !opts.selfOrigins.has(origin)) throw new ParleyError('csrf_failed');
  return { origin, rpId: new URL(origin).hostname };
}

/** Passkey routes (docs/security.md "Passkeys"); the logic is in ./passkeys.ts. */
export function registerPasskeyRoutes(app: FastifyInstance, opts: AuthRouteOptions): void {
  const passkeys = opts.passkeys;
  if (!passkeys) return;
  const SESSION = sessionCookieName(opts.secureCookies);
  const signingIn = { preHandler: requireAgent(opts, { stage: 'any' }) };
  const signedIn = { preHandler: requireAgent(opts) };
  const noStore = (reply: FastifyReply) => void reply.header('cache-control', 'no-store');

  app.get('/api/auth/passkeys', signedIn, async (request) => ({
    passkeys: await passkeys.list(agentOf(request)),
  }));

  app.post('/api/auth/passkeys/options', signingIn, async (request, reply) => {
    noStore(reply);
    return passkeys.registrationOptions(agentOf(request), relyingParty(opts, request));
  });

  app.post('/api/auth/passkeys', signingIn, async (request) => {
    const ctx = agentOf(request);
    // A session that still owes its second factor hears that first, not a body error.
    if (ctx.stage === 'mfa_verify') throw new ParleyError('mfa_required');
    const body = PasskeyRegisterRequestSchema.parse(request.body);
    const passkey = await passkeys.register(
      ctx,
      relyingParty(opts, request),
      { ...body, response: body.response as unknown as RegistrationResponseJSON },
      request.ip,
    );
    return { passkey };
  });

  app.delete('/api/auth/passkeys/:id', signedIn, async (request) => {
    const { id } = request.params as { id: string };
    await passkeys.remove(agentOf(request), id, request.ip);
    return { ok: true };
  });

  // Passwordless sign-in: anonymous, but only from the console's own origin.
  app.post('/api/auth/passkey/options', async (request, reply) => {
    noStore(reply);
    return passkeys.signInOptions(relyingParty(opts, request));
  });

  app.post('/api/auth/passkey/sign-in', async (request, reply) => {
    const body = PasskeyAssertionRequestSchema.parse(request.body);
    const { token, context } = await passkeys.signIn(
      relyingParty(opts, request),
      { ...body, response: body.response as unknown as AuthenticationResponseJSON },
      request.ip,
    );
    request.log.info(
      { agentId: context.agent.id, orgId: context.agent.orgId },
      'agent signed in with a passkey',
    );
    void reply.setCookie(SESSION, token, sessionCookieOptions(opts.secureCookies));
    return presentSession(context);
  });

  // A passkey as the second factor of a password sign-in, or as a step-up.
  app.post('/api/auth/passkey/verify/options', signingIn, async (request, reply) => {
    noStore(reply);
    return passkeys.assertionOptions(agentOf(request), relyingParty(opts, request));
  });

  app.post('/api/auth/passkey/verify', signingIn, async (request, reply) => {
    const ctx = agentOf(request);
    const body = PasskeyAssertionRequestSchema.parse(request.body);
    await passkeys.verify(
      ctx,
      relyingParty(opts, request),
      { ...body, response: body.response as unknown as AuthenticationResponseJSON },
      request.ip,
    );
    if (ctx.stage !== 'mfa_verify') return presentSession(ctx);
    // Passing the second factor raises the session's privilege: it gets a new id.
    const token = await opts.auth.rotate(ctx);
    void reply.setCookie(SESSION, token, sessionCookieOptions(opts.secureCookies));
    const next = await opts.auth.authenticate(token, { ip: request.ip });
    if (!next) throw new ParleyError('unauthorized');
    return presentSession(next);
  });
}
