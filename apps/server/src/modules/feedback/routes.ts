import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ParleyError, RateRequestSchema, TranscriptRequestSchema } from '@parley/protocol';
import { requireAgent, type AuthRouteOptions } from '../auth';
import { agentActor, visitorActor } from '../chat';
import type { VisitorService } from '../visitors';
import { presentRating } from './presenter';
import type { RatingsService } from './ratings';
import type { TranscriptsService } from './transcripts';

const IdParamsSchema = z.object({ id: z.string().min(1).max(64) });

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
}

export function registerFeedbackRoutes(
  app: FastifyInstance,
  deps: {
    ratings: RatingsService;
    transcripts: TranscriptsService;
    visitors: VisitorService;
    authRoutes: AuthRouteOptions;
  },
): void {
  const { ratings, transcripts, visitors } = deps;
  const agentOnly = { preHandler: requireAgent(deps.authRoutes) };
  const visitorOf = async (request: FastifyRequest) => {
    const ctx = await visitors.authenticate(bearer(request));
    if (!ctx) throw new ParleyError('invalid_token');
    return visitorActor(ctx);
  };

  // ---- visitor ----
  app.get('/api/visitor/conversations/:id/rating', async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    const row = await ratings.rating(await visitorOf(request), id);
    return { rating: row ? presentRating(row) : null };
  });

  app.post('/api/visitor/conversations/:id/rating', async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    const actor = await visitorOf(request);
    const body = RateRequestSchema.parse(request.body);
    return { rating: presentRating(await ratings.rate(actor, id, body)) };
  });

  app.post('/api/visitor/conversations/:id/transcript', async (request, reply) => {
    const { id } = IdParamsSchema.parse(request.params);
    const actor = await visitorOf(request);
    const body = TranscriptRequestSchema.parse(request.body);
    const r = await transcripts.request(actor, id, body.email);
    void reply.status(202);
    return { queued: true, duplicate: r.duplicate };
  });

  // ---- agent ----
  app.get('/api/conversations/:id/rating', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    const row = await ratings.rating(agentActor(request), id);
    return { rating: row ? presentRating(row) : null };
  });

  app.post('/api/conversations/:id/transcript', agentOnly, async (request, reply) => {
    const { id } = IdParamsSchema.parse(request.params);
    const body = TranscriptRequestSchema.parse(request.body);
    const r = await transcripts.send(agentActor(request), id, body.email, request.ip);
    void reply.status(202);
    return { queued: true, duplicate: r.duplicate };
  });
}
