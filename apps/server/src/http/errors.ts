import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { ParleyError, errorBody } from '@parley/protocol';

/**
 * Every failure leaves as a registry error. Unknown errors become
 * internal_error for the client and are logged by request id, without bodies.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request, reply) => {
    if (err instanceof ParleyError) {
      return reply.status(err.status).send(errorBody(err.code, err.message));
    }
    if (err instanceof ZodError) {
      const fields = err.issues.map((i) => i.path.join('.') || '(body)').join(', ');
      return reply
        .status(400)
        .send(errorBody('bad_request', `The request is not valid: check ${fields}.`));
    }
    const fe = err as Partial<FastifyError>;
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.status(413).send(errorBody('payload_too_large'));
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply
        .status(fe.statusCode)
        .send(errorBody(fe.statusCode === 404 ? 'not_found' : 'bad_request'));
    }
    request.log.error(
      { err: fe.message ?? 'unknown', code: fe.code, route: request.routeOptions.url },
      'request failed',
    );
    return reply.status(500).send(errorBody('internal_error'));
  });
  app.setNotFoundHandler((_request, reply) => reply.status(404).send(errorBody('not_found')));
}
