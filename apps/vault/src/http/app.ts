/** The vault's Fastify app: raw-body JSON, typed errors, signed server routes. */
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import { verifyRequest } from '@parley/signing';
import { ZodError } from 'zod';
import type { VaultContext } from '../context';
import { VaultError, errorBody } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
  interface FastifyInstance {
    /** Every route registered (method, URL pattern). */
    vaultRoutes: RouteEntry[];
  }
}

export const BODY_LIMIT = 64 * 1024;

/** The CSP of everything that is not the pay page: JSON and error bodies load nothing. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

export interface RouteEntry {
  method: string;
  url: string;
}

export async function buildApp(ctx: VaultContext): Promise<FastifyInstance> {
  const logger: FastifyBaseLogger = ctx.log;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT,
    trustProxy: false,
    genReqId: () => `req_${Math.random().toString(36).slice(2, 12)}`,
  });
  await app.register(cookie);

  // Every route, as registered: the header test walks them all.
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  app.decorate('vaultRoutes', routes);

  // Issue 10 finding 10: every response carries nosniff and a CSP (the pay routes set their
  // own stricter-but-framable one), HSTS when the vault is served over TLS.
  const hsts = ctx.publicOrigin.startsWith('https:');
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (hsts) reply.header('strict-transport-security', 'max-age=63072000; includeSubDomains');
    if (!request.url.startsWith('/pay/') && !reply.hasHeader('content-security-policy'))
      reply
        .header('content-security-policy', API_CSP)
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-store');
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (req: FastifyRequest, body: Buffer, done) => {
      req.rawBody = body;
      if (body.length === 0) return done(null, undefined);
      try {
        done(null, JSON.parse(body.toString('utf8')));
      } catch {
        done(new VaultError('bad_request', 'The body is not valid JSON.'), undefined);
      }
    },
  );
  // Stripe posts JSON too, but its signature covers the raw bytes; same parser applies.
  app.addContentTypeParser('*', (_req, _payload, done) =>
    done(new VaultError('unsupported_media_type'), undefined),
  );

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof VaultError)
      return reply.code(error.status).send(errorBody(error.code, error.message));
    if (error instanceof ZodError) {
      // Names the fields, never echoes their values.
      const fields = [...new Set(error.issues.map((i) => i.path.join('.') || '(body)'))].join(', ');
      return reply.code(400).send(errorBody('bad_request', `Invalid fields: ${fields}.`));
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413) return reply.code(413).send(errorBody('payload_too_large'));
    if (status === 415) return reply.code(415).send(errorBody('unsupported_media_type'));
    if (status !== undefined && status >= 400 && status < 500)
      return reply.code(status).send(errorBody('bad_request'));
    request.log.error(
      { err: { name: (error as Error).name, code: (error as { code?: unknown }).code } },
      'unhandled error',
    );
    return reply.code(500).send(errorBody('internal_error'));
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(errorBody('not_found')));

  app.get('/health', async () => ({ ok: true }));
  return app;
}

/** preHandler for server→vault routes: the signature covers timestamp, method, path and raw body. */
export function requireServerSignature(ctx: VaultContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const result = verifyRequest({
      secret: ctx.config.signingSecretIn,
      method: request.method,
      path: request.url,
      body: request.rawBody ?? '',
      headers: request.headers,
    });
    if (!result.ok) {
      request.log.warn({ reason: result.reason }, 'rejected unsigned or badly signed call');
      throw new VaultError(
        'invalid_signature',
        `The request signature is ${result.reason === 'missing' ? 'missing' : result.reason === 'malformed' ? 'malformed' : result.reason === 'expired' ? 'outside the replay window' : 'wrong'}.`,
      );
    }
  };
}
