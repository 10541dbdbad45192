import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  ConversationBlockRequestSchema,
  NetworkBlockRequestSchema,
  type VisitorBlock,
} from '@parley/protocol';
import type { Store } from '../../store';
import { agentOf, requireAgent, type AuthRouteOptions } from '../auth';
import { presentBlock } from './presenter';
import type { BlockService } from './service';

const IdParamsSchema = z.object({ id: z.string().min(1).max(64) });

/** Blocking over HTTP: an agent from a conversation; admins list, add networks and lift. */
export function registerBlockRoutes(
  app: FastifyInstance,
  opts: { authRoutes: AuthRouteOptions; blocks: BlockService; store: Store },
): void {
  const { blocks, store } = opts;
  const agent = { preHandler: requireAgent(opts.authRoutes) };
  const manage = { preHandler: requireAgent(opts.authRoutes, { permission: 'settings:manage' }) };
  const names = async (orgId: string) =>
    new Map((await store.agents.list(orgId)).map((a) => [a.id, a.name]));

  app.post('/api/conversations/:id/block', agent, async (request, reply) => {
    const ctx = agentOf(request);
    const { id } = IdParamsSchema.parse(request.params);
    const body = ConversationBlockRequestSchema.parse(request.body);
    const row = await blocks.blockFromConversation(ctx, id, body, request.ip);
    void reply.status(201);
    return { block: presentBlock(row, ctx.agent.name, Date.now()) };
  });

  app.get('/api/blocks', manage, async (request: FastifyRequest) => {
    const ctx = agentOf(request);
    const rows = await blocks.list(ctx);
    const who = await names(ctx.organisation.id);
    const at = Date.now();
    return {
      blocks: rows.map((r): VisitorBlock => presentBlock(r, who.get(r.createdBy) ?? null, at)),
    };
  });

  app.post('/api/blocks', manage, async (request, reply) => {
    const ctx = agentOf(request);
    const row = await blocks.blockNetwork(
      ctx,
      NetworkBlockRequestSchema.parse(request.body),
      request.ip,
    );
    void reply.status(201);
    return { block: presentBlock(row, ctx.agent.name, Date.now()) };
  });

  app.delete('/api/blocks/:id', manage, async (request, reply) => {
    await blocks.lift(agentOf(request), IdParamsSchema.parse(request.params).id, request.ip);
    void reply.status(204);
  });
}
