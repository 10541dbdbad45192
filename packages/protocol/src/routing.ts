import { z } from 'zod';
import { SYSTEM_LINES } from './system-lines';
import { LIMITS } from './limits';

/**
 * Presence, teams, routing and transfer (issue 14 items 1–3; docs/routing.md).
 * Everything here is for agents, apart from what the widget's configuration
 * says: whether anyone who could answer is online, and the teams a visitor may pick.
 */

const Id = z.string().min(1).max(64);

// ---- presence ----------------------------------------------------------------

/** What an agent chose (`offline`: appear offline while signed in). */
export const PresenceChoiceSchema = z.enum(['online', 'away', 'offline']);
export type PresenceChoice = z.infer<typeof PresenceChoiceSchema>;

/** What others see: the choice, `away` after inactivity, `offline` when no console is open. */
export const PresenceStatusSchema = z.enum(['online', 'away', 'offline']);
export type PresenceStatus = z.infer<typeof PresenceStatusSchema>;

export const AgentPresenceSchema = z.object({
  agentId: z.string(),
  name: z.string(),
  status: PresenceStatusSchema,
  choice: PresenceChoiceSchema,
  /** Away because of inactivity rather than by choice. */
  idle: z.boolean(),
  /** Open consoles (sockets) on every node. */
  connected: z.boolean(),
  activeChats: z.number().int().min(0),
  maxChats: z.number().int().min(1),
});
export type AgentPresence = z.infer<typeof AgentPresenceSchema>;

/** `PUT /api/presence`: the agent's own status and, optionally, capacity. */
export const PresenceUpdateRequestSchema = z.object({
  status: PresenceChoiceSchema,
  maxChats: z.number().int().min(1).max(50).optional(),
});
export type PresenceUpdateRequest = z.infer<typeof PresenceUpdateRequestSchema>;

/** `PUT /api/agents/:id/capacity` (admins): another agent's maximum of concurrent chats. */
export const CapacityRequestSchema = z.object({ maxChats: z.number().int().min(1).max(50) });

export const PresenceEnvelopeSchema = z.object({ presence: AgentPresenceSchema });
export const PresenceListSchema = z.object({ agents: z.array(AgentPresenceSchema) });

/** An agent's presence changed (agents' sockets: the organisation's topic). */
export const PresenceFrameSchema = z.object({
  type: z.literal('presence'),
  presence: AgentPresenceSchema,
});
export type PresenceFrame = z.infer<typeof PresenceFrameSchema>;

// ---- teams -------------------------------------------------------------------

/**
 * `queue`: the shared queue (any agent accepts); `round_robin`: the online agent with capacity
 * assigned longest ago; `least_busy`: the online agent with capacity and the fewest open chats.
 */
export const RoutingModeSchema = z.enum(['queue', 'round_robin', 'least_busy']);
export type RoutingMode = z.infer<typeof RoutingModeSchema>;

export const TeamSchema = z.object({
  id: z.string(),
  name: z.string(),
  routing: RoutingModeSchema,
  /** Seconds a chat may wait before the team is notified (twice as long: supervisors). */
  escalateAfterSeconds: z.number().int(),
  /** Offered to visitors as a pre-chat choice. */
  visitorChoice: z.boolean(),
  memberIds: z.array(z.string()),
  createdAt: z.number().int(),
});
export type Team = z.infer<typeof TeamSchema>;

export const TeamRequestSchema = z.object({
  name: z.string().trim().min(1).max(80),
  routing: RoutingModeSchema.default('queue'),
  escalateAfterSeconds: z.number().int().min(10).max(86_400).default(120),
  visitorChoice: z.boolean().default(true),
});
export type TeamRequest = z.infer<typeof TeamRequestSchema>;
export const TeamMembersRequestSchema = z.object({
  agentIds: z.array(Id).max(500),
});
export const TeamEnvelopeSchema = z.object({ team: TeamSchema });
export const TeamListSchema = z.object({ teams: z.array(TeamSchema) });

/** A team as the widget shows it (pre-chat choice). */
export const PublicTeamSchema = z.object({ id: z.string(), name: z.string() });
export type PublicTeam = z.infer<typeof PublicTeamSchema>;

/** A chat waited too long: first its team is told, then the supervisors. */
export const EscalationFrameSchema = z.object({
  type: z.literal('escalation'),
  conversationId: Id,
  teamId: z.string().nullable(),
  level: z.enum(['team', 'supervisors']),
  waitingSeconds: z.number().int(),
});
export type EscalationFrame = z.infer<typeof EscalationFrameSchema>;

// ---- transfer ----------------------------------------------------------------

export const TransferStatusSchema = z.enum(['pending', 'accepted', 'declined', 'expired']);
export type TransferStatus = z.infer<typeof TransferStatusSchema>;

export const TransferSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  from: z.object({ id: z.string(), name: z.string().nullable() }),
  toAgent: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  toTeam: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  /** Masked like a note; agents only. */
  note: z.string(),
  status: TransferStatusSchema,
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  resolvedAt: z.number().int().nullable(),
  resolvedBy: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
});
export type Transfer = z.infer<typeof TransferSchema>;

/** `POST /api/conversations/:id/transfers`: to an agent or to a team, with a note. */
export const TransferRequestSchema = z
  .object({
    toAgentId: Id.optional(),
    toTeamId: Id.optional(),
    note: z.string().trim().max(LIMITS.maxTextLength).default(''),
  })
  .refine((b) => (b.toAgentId === undefined) !== (b.toTeamId === undefined), {
    message: 'name exactly one of toAgentId and toTeamId',
  });
export type TransferRequest = z.infer<typeof TransferRequestSchema>;
export const TransferEnvelopeSchema = z.object({ transfer: TransferSchema });
export const TransferListSchema = z.object({ transfers: z.array(TransferSchema) });

/** A transfer was offered, accepted, declined or expired (agents' sockets only). */
export const TransferFrameSchema = z.object({
  type: z.literal('transfer'),
  conversationId: Id,
  transfer: TransferSchema,
});
export type TransferFrame = z.infer<typeof TransferFrameSchema>;

/** What the visitor is told when someone else takes over. */
export function talkingToText(agentName: string): string {
  return SYSTEM_LINES.talking_to({ name: agentName });
}
