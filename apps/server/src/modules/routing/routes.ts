import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CapacityRequestSchema,
  PresenceUpdateRequestSchema,
  TeamMembersRequestSchema,
  TeamRequestSchema,
  TransferRequestSchema,
} from '@parley/protocol';
import { agentOf, requireAgent, type AuthRouteOptions } from '../auth';
import { agentActor } from '../chat';
import type { PresenceService } from './presence';
import { presentTeam, presentTransfer } from './presenter';
import type { TeamsService } from './teams';
import type { TransferService } from './transfer';

const IdParamsSchema = z.object({ id: z.string().min(1).max(64) });

/** Agents only: presence, teams and transfers never take a visitor token. */
export function registerRoutingRoutes(
  app: FastifyInstance,
  deps: {
    presence: PresenceService;
    teams: TeamsService;
    transfers: TransferService;
    authRoutes: AuthRouteOptions;
  },
): void {
  const { presence, teams, transfers } = deps;
  const agentOnly = { preHandler: requireAgent(deps.authRoutes) };

  app.get('/api/presence', agentOnly, async (request) => ({
    agents: await presence.list(agentOf(request).actor),
  }));
  app.get('/api/presence/me', agentOnly, async (request) => ({
    presence: await presence.own(agentOf(request).actor),
  }));
  app.put('/api/presence', agentOnly, async (request) => {
    const body = PresenceUpdateRequestSchema.parse(request.body);
    return { presence: await presence.set(agentOf(request).actor, body) };
  });
  app.post('/api/presence/activity', agentOnly, async (request) => ({
    presence: await presence.activity(agentOf(request).actor),
  }));
  app.put('/api/agents/:id/capacity', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    const body = CapacityRequestSchema.parse(request.body);
    return { presence: await presence.setCapacity(agentOf(request).actor, id, body.maxChats) };
  });

  app.get('/api/teams', agentOnly, async (request) => ({
    teams: (await teams.list(agentOf(request).actor)).map(presentTeam),
  }));
  app.post('/api/teams', agentOnly, async (request) => {
    const body = TeamRequestSchema.parse(request.body);
    return { team: presentTeam(await teams.create(agentOf(request).actor, body, request.ip)) };
  });
  app.put('/api/teams/:id', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    const body = TeamRequestSchema.parse(request.body);
    return { team: presentTeam(await teams.update(agentOf(request).actor, id, body, request.ip)) };
  });
  app.delete('/api/teams/:id', agentOnly, async (request, reply) => {
    const { id } = IdParamsSchema.parse(request.params);
    await teams.remove(agentOf(request).actor, id, request.ip);
    return reply.status(204).send();
  });
  app.put('/api/teams/:id/members', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    const body = TeamMembersRequestSchema.parse(request.body);
    const row = await teams.setMembers(agentOf(request).actor, id, body.agentIds, request.ip);
    return { team: presentTeam(row) };
  });

  app.get('/api/conversations/:id/transfers', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    return { transfers: (await transfers.list(agentActor(request), id)).map(presentTransfer) };
  });
  app.post('/api/conversations/:id/transfers', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    const body = TransferRequestSchema.parse(request.body);
    const row = await transfers.create(agentActor(request), id, body, request.ip);
    return { transfer: presentTransfer(row) };
  });
  app.get('/api/transfers/incoming', agentOnly, async (request) => ({
    transfers: (await transfers.incoming(agentActor(request))).map(presentTransfer),
  }));
  app.post('/api/transfers/:id/accept', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    return {
      transfer: presentTransfer(await transfers.accept(agentActor(request), id, request.ip)),
    };
  });
  app.post('/api/transfers/:id/decline', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    return {
      transfer: presentTransfer(await transfers.decline(agentActor(request), id, request.ip)),
    };
  });
}
