import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AgentSendRequestSchema,
  ConversationListQuerySchema,
  MessageListQuerySchema,
  ParleyError,
  StartConversationRequestSchema,
  VisitorSessionRequestSchema,
} from '@parley/protocol';
import { agentOf, requireAgent, type AuthRouteOptions } from '../auth';
import type { ConversationRow, Store } from '../../store';
import type { VisitorContext, VisitorProof, VisitorService } from '../visitors';
import { presentConversation, presentMessage, presentVisitorConversation } from './presenter';
import type { ChatActor } from './policy';
import type { ChatService } from './service';

const IdParamsSchema = z.object({ id: z.string().min(1).max(64) });

declare module 'fastify' {
  interface FastifyRequest {
    visitorContext?: VisitorContext;
  }
}

export function agentActor(request: FastifyRequest): ChatActor & { kind: 'agent' } {
  const ctx = agentOf(request);
  return { ...ctx.actor, name: ctx.agent.name };
}

export function visitorActor(ctx: VisitorContext): ChatActor & { kind: 'visitor' } {
  return {
    kind: 'visitor',
    visitorId: ctx.visitor.id,
    orgId: ctx.visitor.orgId,
    name: ctx.visitor.name,
  };
}

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
}

export function registerChatRoutes(
  app: FastifyInstance,
  deps: {
    chat: ChatService;
    visitors: VisitorService;
    authRoutes: AuthRouteOptions;
    store: Store;
    /** The consent gate (modules/consent): refuses a start without a required consent, records one. */
    consent?: {
      check(orgId: string, given: { version: number } | undefined): Promise<number | null>;
      record(
        conv: ConversationRow,
        version: number,
        facts: { userAgent: string | null },
      ): Promise<void>;
    };
    /** Proof of work on session creation (issue 11 item 3). */
    proof?: VisitorProof;
    /** Creates a visitor-session challenge (modules/auth's ALTCHA). */
    challenge?: () => Promise<unknown>;
    /** Per-address limits on new sessions and conversations (http/rate-limit.ts). */
    limits?: {
      sessions: { check(r: FastifyRequest, reply: FastifyReply, key: string): Promise<void> };
      conversations: { check(r: FastifyRequest, reply: FastifyReply, key: string): Promise<void> };
    };
  },
): void {
  const { chat, visitors } = deps;
  const agentOnly = { preHandler: requireAgent(deps.authRoutes) };
  const visitorOnly = {
    preHandler: async (request: FastifyRequest) => {
      const ctx = await visitors.authenticate(bearer(request), { ip: request.ip });
      if (!ctx) throw new ParleyError('invalid_token');
      request.visitorContext = ctx;
    },
  };
  const visitorOf = (request: FastifyRequest) => {
    if (!request.visitorContext) throw new ParleyError('invalid_token');
    return visitorActor(request.visitorContext);
  };

  // ---- visitor ----
  // A challenge for the chat frame to solve in the background (no third party; docs/widget.md).
  // Not found while proof of work is off: the frame then prepares none.
  app.get('/api/visitor/challenge', async (_request, reply) => {
    if (!deps.challenge || deps.proof?.mode === 'off') throw new ParleyError('not_found');
    void reply.header('cache-control', 'no-store');
    return deps.challenge();
  });

  app.post('/api/visitor/session', async (request, reply) => {
    await deps.limits?.sessions.check(request, reply, request.ip);
    const body = VisitorSessionRequestSchema.parse(request.body);
    await deps.proof?.assert(body.orgKey, body.altcha);
    const { token, visitor, verified } = await visitors.createSession(
      { orgKey: body.orgKey, name: body.name ?? null, identity: body.identity, ip: request.ip },
      (name, orgId) => chat.maskName(name, orgId),
    );
    if (!verified) await chat.rememberName(visitor.orgId, visitor.id, body.name ?? null);
    request.log.info(
      { visitorId: visitor.id, orgId: visitor.orgId, verified },
      'visitor session issued',
    );
    return { token, visitorId: visitor.id, expiresAt: visitor.expiresAt, verified };
  });

  app.get('/api/visitor/conversations', visitorOnly, async (request) => {
    const rows = await chat.visitorConversations(visitorOf(request));
    return { conversations: rows.map(presentVisitorConversation) };
  });

  app.post('/api/visitor/conversations', visitorOnly, async (request, reply) => {
    await deps.limits?.conversations.check(request, reply, request.ip);
    const body = StartConversationRequestSchema.parse(request.body ?? {});
    const actor = visitorOf(request);
    // Before anything is stored: no conversation starts without a consent where one is required.
    const consentVersion = deps.consent
      ? await deps.consent.check(actor.orgId, body.consent)
      : null;
    if (body.name !== undefined && request.visitorContext) {
      await deps.store.visitors.setName(
        actor.orgId,
        actor.visitorId,
        await chat.maskName(body.name, actor.orgId),
      );
      await chat.rememberName(actor.orgId, actor.visitorId, body.name);
    }
    const conv = await chat.startConversation(actor, { teamId: body.teamId });
    if (consentVersion !== null)
      await deps.consent?.record(conv, consentVersion, {
        userAgent: request.headers['user-agent'] ?? null,
      });
    return presentVisitorConversation(conv);
  });

  app.get('/api/visitor/conversations/:id/messages', visitorOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    const q = MessageListQuerySchema.parse(request.query);
    const rows = await chat.history(visitorOf(request), id, q.afterSeq, q.limit);
    return { messages: rows.map((r) => presentMessage(r)) };
  });

  // ---- agent ----
  app.get('/api/conversations', agentOnly, async (request) => {
    const q = ConversationListQuerySchema.parse(request.query);
    const rows = await chat.list(agentActor(request), q.status);
    return { conversations: rows.map(presentConversation) };
  });

  app.get('/api/conversations/:id', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    return {
      conversation: presentConversation(await chat.authorize(agentActor(request), id, 'view')),
    };
  });

  app.get('/api/conversations/:id/messages', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    const q = MessageListQuerySchema.parse(request.query);
    const rows = await chat.history(agentActor(request), id, q.afterSeq, q.limit);
    return { messages: rows.map((r) => presentMessage(r)) };
  });

  // An agent's reply over REST (API tokens' "send messages"): the socket's send, same masking and rules.
  app.post('/api/conversations/:id/messages', agentOnly, async (request, reply) => {
    const { id } = IdParamsSchema.parse(request.params);
    const body = AgentSendRequestSchema.parse(request.body);
    const r = await chat.send(agentActor(request), { conversationId: id, ...body });
    void reply.status(r.duplicate ? 200 : 201);
    return r;
  });

  app.post('/api/conversations/:id/accept', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    return { conversation: presentConversation(await chat.accept(agentActor(request), id)) };
  });

  app.post('/api/conversations/:id/close', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    return { conversation: presentConversation(await chat.close(agentActor(request), id)) };
  });
}
