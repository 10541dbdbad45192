/**
 * Browser→vault routes. The pay link is exchanged once for an HttpOnly,
 * SameSite=Strict session cookie scoped to /pay/p/<id>; the page's JSON
 * calls need that cookie. Amount and currency always come from the store.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VaultContext } from '../../context';
import { VaultError } from '../../http/errors';
import { ChallengeSchema, ConfirmSchema } from './schema';
import { confirmPayment, continueAction } from './charge';
import { startHostedAttempt, syncHostedAttempt } from './hosted';
import { PayIntentBodySchema, PayNonceBodySchema } from '@parley/protocol';
import { payWithNonce } from './nonce';
import { isHosted } from '../../gateways/gateway';
import { pageView } from './presenter';
import { checkReturnToken, checkSession, openPayLink } from './session';
import type { PayAssets, ProcessorCsp, RefusalKind } from './page';
import { contentSecurityPolicy, loadPayAssets, refusalPage, renderPayPage } from './page';
import { z } from 'zod';

export const SESSION_COOKIE = 'parley_pay';
const IdParams = z.object({ id: z.string().min(1).max(128) });

function securityHeaders(
  reply: FastifyReply,
  frameAncestors: string[],
  processor?: ProcessorCsp,
): FastifyReply {
  return reply
    .header('content-security-policy', contentSecurityPolicy(frameAncestors, processor))
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('cross-origin-opener-policy', 'unsafe-none')
    .header(
      'permissions-policy',
      // Apple Pay / Google Pay in a processor's element need the Payment Request API.
      `camera=(), microphone=(), geolocation=(), payment=${processor ? '(self)' : '()'}`,
    );
}

export async function payRoutes(app: FastifyInstance, ctx: VaultContext): Promise<void> {
  const assets: PayAssets | undefined = loadPayAssets(ctx.config.payDistDir);
  if (!assets)
    ctx.log.warn(
      { dir: ctx.config.payDistDir },
      'pay page not built (npm run build); pay links will show an error page',
    );
  const secure = ctx.publicOrigin.startsWith('https:');
  const processorCsp = isHosted(ctx.gateway) ? ctx.gateway.browser.csp : undefined;
  const baseAncestors = [ctx.config.serverPublicOrigin, ...ctx.config.allowedFrameAncestors];

  // Every response of /pay carries the headers, JSON included.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/pay/') && !reply.hasHeader('content-security-policy'))
      securityHeaders(reply, []);
  });

  const refuse = (reply: FastifyReply, kind: RefusalKind) => {
    const page = refusalPage(kind, assets);
    return securityHeaders(reply, [])
      .code(page.status)
      .type('text/html; charset=utf-8')
      .send(page.html);
  };
  const sendPage = (reply: FastifyReply, paymentId: string, frameAncestors: string[]) => {
    if (!assets) return refuse(reply, 'unavailable');
    return securityHeaders(reply, [...baseAncestors, ...frameAncestors], processorCsp)
      .type('text/html; charset=utf-8')
      .send(renderPayPage(assets, { paymentId, openerOrigin: ctx.config.serverPublicOrigin }));
  };
  const ancestorsOf = (paymentId: string) =>
    ctx.store.payments.frameAncestors(ctx.store.db, paymentId);

  app.get('/pay/assets/:name', async (request, reply) => {
    const { name } = z.object({ name: z.string() }).parse(request.params);
    const file = assets?.files.get(name);
    if (!file) return reply.code(404).type('text/plain').send('Not found');
    return reply
      .type(file.type)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(file.body);
  });

  // The pay link: works once, then the session cookie takes over.
  app.get('/pay/:token', async (request, reply) => {
    const { token } = z.object({ token: z.string() }).parse(request.params);
    if (!assets) return refuse(reply, 'unavailable');
    const opened = await openPayLink(ctx, token);
    if (!opened.ok) return refuse(reply, opened.reason);
    reply.setCookie(SESSION_COOKIE, opened.sessionToken, {
      path: `/pay/p/${opened.payment.id}`,
      httpOnly: true,
      secure,
      sameSite: 'strict',
      expires: new Date(opened.sessionExpiresAt),
    });
    return sendPage(
      reply,
      opened.payment.id,
      JSON.parse(opened.payment.frame_ancestors) as string[],
    );
  });

  const session = async (request: FastifyRequest): Promise<string> => {
    const { id } = IdParams.parse(request.params);
    if (!(await checkSession(ctx, id, request.cookies[SESSION_COOKIE])))
      throw new VaultError('invalid_session');
    return id;
  };
  const sameOrigin = (request: FastifyRequest): void => {
    // CSRF: SameSite=Strict already; a present Origin must be the vault's own.
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== ctx.publicOrigin) throw new VaultError('forbidden');
    if (!(request.headers['content-type'] ?? '').startsWith('application/json'))
      throw new VaultError('unsupported_media_type');
  };

  // A reload (the page rewrites its URL to this) with a valid session shows the page again.
  app.get('/pay/p/:id', async (request, reply) => {
    const { id } = IdParams.parse(request.params);
    if (!(await checkSession(ctx, id, request.cookies[SESSION_COOKIE])))
      return refuse(reply, 'session');
    return sendPage(reply, id, await ancestorsOf(id));
  });

  app.get('/pay/p/:id/api/details', async (request) => pageView(ctx, await session(request)));

  app.post('/pay/p/:id/api/confirm', async (request) => {
    sameOrigin(request);
    const id = await session(request);
    return confirmPayment(ctx, id, ConfirmSchema.parse(request.body));
  });

  // Hosted processors: start (or repeat, same key) an attempt; the answer carries the client secret.
  app.post('/pay/p/:id/api/intent', async (request) => {
    sameOrigin(request);
    const id = await session(request);
    const { idempotencyKey } = PayIntentBodySchema.parse(request.body);
    return startHostedAttempt(ctx, id, idempotencyKey);
  });

  // Braintree: the nonce from Hosted Fields; the vault spends it for the stored amount.
  app.post('/pay/p/:id/api/nonce', async (request) => {
    sameOrigin(request);
    const id = await session(request);
    return payWithNonce(ctx, id, PayNonceBodySchema.parse(request.body));
  });

  // After Stripe.js confirmed (or failed): the vault asks the processor, never the page.
  app.post('/pay/p/:id/api/sync', async (request) => {
    sameOrigin(request);
    const id = await session(request);
    return syncHostedAttempt(ctx, id);
  });

  app.post('/pay/p/:id/api/challenge', async (request) => {
    sameOrigin(request);
    const id = await session(request);
    const { approve } = ChallengeSchema.parse(request.body);
    return continueAction(ctx, id, { approve });
  });

  // Return from a redirect-based 3-D Secure step (Stripe). The session cookie is
  // not sent on this cross-site navigation, so the return URL carries a token
  // bound to the payment's charge (issue 10 finding 9: an anonymous GET must not
  // settle — and so fail — a pending 3-D Secure payment). It only asks the
  // gateway for the outcome and shows a neutral page; the chat learns the result
  // from the signed event.
  app.get('/pay/p/:id/return', async (request, reply) => {
    const { id } = IdParams.parse(request.params);
    const { rt } = z.object({ rt: z.string().max(100).optional() }).parse(request.query);
    const allowed =
      (await checkSession(ctx, id, request.cookies[SESSION_COOKIE])) ||
      (await checkReturnToken(ctx, id, rt));
    if (!allowed) return refuse(reply, 'session');
    const exists = await ctx.store.payments.byId(ctx.store.db, id);
    if (!exists) return refuse(reply, 'session');
    if (isHosted(ctx.gateway)) await syncHostedAttempt(ctx, id);
    else if (exists.status === 'requires_action') await continueAction(ctx, id, {});
    return refuse(reply, 'returned');
  });
}
