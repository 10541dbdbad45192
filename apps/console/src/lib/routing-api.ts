import {
  PresenceEnvelopeSchema,
  PresenceListSchema,
  TeamEnvelopeSchema,
  TeamListSchema,
  TransferEnvelopeSchema,
  TransferListSchema,
  type AgentPresence,
  type PresenceChoice,
  type Team,
  type TeamRequest,
  type Transfer,
} from '@parley/protocol';
import { call } from './api';

const enc = encodeURIComponent;

/** REST calls of presence, teams and transfer (docs/routing.md). */
export const routingApi = {
  presence: async (): Promise<AgentPresence[]> =>
    (await call(PresenceListSchema, '/api/presence')).agents,
  setStatus: async (status: PresenceChoice): Promise<AgentPresence> =>
    (await call(PresenceEnvelopeSchema, '/api/presence', 'PUT', { status })).presence,
  activity: async (): Promise<AgentPresence> =>
    (await call(PresenceEnvelopeSchema, '/api/presence/activity', 'POST')).presence,
  setCapacity: async (agentId: string, maxChats: number): Promise<AgentPresence> =>
    (
      await call(PresenceEnvelopeSchema, `/api/agents/${enc(agentId)}/capacity`, 'PUT', {
        maxChats,
      })
    ).presence,
  teams: async (): Promise<Team[]> => (await call(TeamListSchema, '/api/teams')).teams,
  createTeam: async (body: TeamRequest): Promise<Team> =>
    (await call(TeamEnvelopeSchema, '/api/teams', 'POST', body)).team,
  updateTeam: async (id: string, body: TeamRequest): Promise<Team> =>
    (await call(TeamEnvelopeSchema, `/api/teams/${enc(id)}`, 'PUT', body)).team,
  deleteTeam: async (id: string): Promise<void> => {
    await call(null, `/api/teams/${enc(id)}`, 'DELETE');
  },
  setMembers: async (id: string, agentIds: string[]): Promise<Team> =>
    (await call(TeamEnvelopeSchema, `/api/teams/${enc(id)}/members`, 'PUT', { agentIds })).team,
  transfers: async (conversationId: string): Promise<Transfer[]> =>
    (await call(TransferListSchema, `/api/conversations/${enc(conversationId)}/transfers`))
      .transfers,
  incoming: async (): Promise<Transfer[]> =>
    (await call(TransferListSchema, '/api/transfers/incoming')).transfers,
  transfer: async (
    conversationId: string,
    to: { toAgentId: string } | { toTeamId: string },
    note: string,
  ): Promise<Transfer> =>
    (
      await call(
        TransferEnvelopeSchema,
        `/api/conversations/${enc(conversationId)}/transfers`,
        'POST',
        { ...to, note },
      )
    ).transfer,
  accept: async (id: string): Promise<Transfer> =>
    (await call(TransferEnvelopeSchema, `/api/transfers/${enc(id)}/accept`, 'POST')).transfer,
  decline: async (id: string): Promise<Transfer> =>
    (await call(TransferEnvelopeSchema, `/api/transfers/${enc(id)}/decline`, 'POST')).transfer,
};
