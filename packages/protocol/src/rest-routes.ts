import { z } from 'zod';
import { BRANDING_ROUTES } from './branding';
import {
  AgentSendRequestSchema,
  AgentSendResultSchema,
  ApiTokenCreateRequestSchema,
  ApiTokenCreatedSchema,
  ApiTokenListSchema,
} from './api-tokens';
import {
  AgentAdminViewSchema,
  AuditListSchema,
  AuditQuerySchema,
  InviteAgentRequestSchema,
  InviteAgentResponseSchema,
  SecurityEventListSchema,
  UpdateAgentRequestSchema,
} from './security';
import {
  ConversationEnvelopeSchema,
  ConversationListQuerySchema,
  ConversationListSchema,
  HealthSchema,
  LoginRequestSchema,
  MessageListQuerySchema,
  MessageListSchema,
  SessionInfoSchema,
  StartConversationRequestSchema,
  VisitorConversationSchema,
  VisitorSessionRequestSchema,
  VisitorSessionSchema,
  WidgetConfigSchema,
} from './rest';
import {
  PaymentEnvelopeSchema,
  PaymentListSchema,
  PaymentRequestBodySchema,
  PaymentSettingsSchema,
  RefundRequestBodySchema,
} from './payments';
import {
  CannedReplyListSchema,
  CreateNoteRequestSchema,
  NoteEnvelopeSchema,
  NoteListSchema,
  ParticipantListSchema,
  MarkReadRequestSchema,
  NotificationSettingsEnvelopeSchema,
  NotificationSettingsSchema,
  UnreadListSchema,
} from './desk';
import {
  WebhookCreateRequestSchema,
  WebhookCreatedSchema,
  WebhookDeliveryListSchema,
  WebhookListSchema,
  WebhookUpdateRequestSchema,
} from './webhooks';
import {
  RateRequestSchema,
  RatingEnvelopeSchema,
  RatingReportQuerySchema,
  RatingReportSchema,
  TranscriptQueuedSchema,
  TranscriptRequestSchema,
} from './feedback';
import {
  CapacityRequestSchema,
  PresenceEnvelopeSchema,
  PresenceListSchema,
  PresenceUpdateRequestSchema,
  TeamEnvelopeSchema,
  TeamListSchema,
  TeamMembersRequestSchema,
  TeamRequestSchema,
  TransferEnvelopeSchema,
  TransferListSchema,
  TransferRequestSchema,
} from './routing';
import { PRIVACY_ROUTES } from './privacy-routes';
import { ReportOverviewSchema, ReportQuerySchema } from './reports';
import { HistoryPageSchema, HistoryQuerySchema } from './history';

/** How a route is reached: a console session (cookie + CSRF) or API token, a visitor token, or nobody. */
export type RouteAuth = 'agent' | 'visitor' | 'public';

export interface RestRoute {
  summary: string;
  tag: string;
  auth: RouteAuth;
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
  /** The status of a success when it is not 200. */
  status?: number;
}

/**
 * The REST routes described by their protocol schemas, keyed `METHOD /path`
 * as the server registers them. The server's OpenAPI document
 * (`/api/openapi.json`) is generated from this table and from the routes it
 * really serves; a test fails when an entry here names no served route.
 */
export const REST_ROUTES: Readonly<Record<string, RestRoute>> = {
  'GET /healthz': {
    summary: 'Liveness',
    tag: 'Operations',
    auth: 'public',
    response: HealthSchema,
  },
  'POST /api/auth/login': {
    summary: 'Sign in (console)',
    tag: 'Sign-in',
    auth: 'public',
    body: LoginRequestSchema,
    response: SessionInfoSchema,
  },
  'GET /api/auth/session': {
    summary: 'The signed-in agent',
    tag: 'Sign-in',
    auth: 'agent',
    response: SessionInfoSchema,
  },
  'GET /api/widget/config': {
    summary: "The widget's configuration for an organisation",
    tag: 'Visitors',
    auth: 'public',
    response: WidgetConfigSchema,
  },
  'POST /api/visitor/session': {
    summary: 'Start a visitor session',
    tag: 'Visitors',
    auth: 'public',
    body: VisitorSessionRequestSchema,
    response: VisitorSessionSchema,
  },
  'POST /api/visitor/conversations': {
    summary: 'Start a conversation as the visitor',
    tag: 'Visitors',
    auth: 'visitor',
    body: StartConversationRequestSchema,
    response: VisitorConversationSchema,
  },
  'GET /api/visitor/conversations/:id/messages': {
    summary: "The visitor's messages of a conversation",
    tag: 'Visitors',
    auth: 'visitor',
    query: MessageListQuerySchema,
    response: MessageListSchema,
  },
  'GET /api/conversations': {
    summary: 'List conversations by status',
    tag: 'Conversations',
    auth: 'agent',
    query: ConversationListQuerySchema,
    response: ConversationListSchema,
  },
  'GET /api/conversations/:id': {
    summary: 'One conversation',
    tag: 'Conversations',
    auth: 'agent',
    response: ConversationEnvelopeSchema,
  },
  'GET /api/conversations/:id/messages': {
    summary: 'Messages of a conversation (masked), in pages',
    tag: 'Conversations',
    auth: 'agent',
    query: MessageListQuerySchema,
    response: MessageListSchema,
  },
  'POST /api/conversations/:id/messages': {
    summary: 'Reply (masked like every message; idempotent on clientMsgId)',
    tag: 'Conversations',
    auth: 'agent',
    body: AgentSendRequestSchema,
    response: AgentSendResultSchema,
    status: 201,
  },
  'POST /api/conversations/:id/accept': {
    summary: 'Accept a waiting conversation',
    tag: 'Conversations',
    auth: 'agent',
    response: ConversationEnvelopeSchema,
  },
  'POST /api/conversations/:id/close': {
    summary: 'Close a conversation',
    tag: 'Conversations',
    auth: 'agent',
    response: ConversationEnvelopeSchema,
  },
  'GET /api/conversations/:id/notes': {
    summary: 'Internal notes of a conversation',
    tag: 'Conversations',
    auth: 'agent',
    response: NoteListSchema,
  },
  'POST /api/conversations/:id/notes': {
    summary: 'Add an internal note (never shown to the visitor)',
    tag: 'Conversations',
    auth: 'agent',
    body: CreateNoteRequestSchema,
    response: NoteEnvelopeSchema,
  },
  'POST /api/conversations/:id/join': {
    summary: 'Join a conversation as a supervisor (announced to the visitor; audited)',
    tag: 'Conversations',
    auth: 'agent',
    response: ParticipantListSchema,
  },
  'GET /api/conversations/:id/participants': {
    summary: 'Supervisors who joined a conversation',
    tag: 'Conversations',
    auth: 'agent',
    response: ParticipantListSchema,
  },
  'PUT /api/conversations/:id/read': {
    summary: 'Mark a conversation read up to a seq (stored per agent; only moves forward)',
    tag: 'Conversations',
    auth: 'agent',
    body: MarkReadRequestSchema,
    status: 204,
  },
  'GET /api/desk/unread': {
    summary: "Unread visitor messages per conversation, from the agent's stored read marks",
    tag: 'Conversations',
    auth: 'agent',
    response: UnreadListSchema,
  },
  'GET /api/desk/notification-settings': {
    summary: "The agent's sound and desktop notification choices",
    tag: 'Conversations',
    auth: 'agent',
    response: NotificationSettingsEnvelopeSchema,
  },
  'PUT /api/desk/notification-settings': {
    summary: "Save the agent's sound and desktop notification choices",
    tag: 'Conversations',
    auth: 'agent',
    body: NotificationSettingsSchema,
    response: NotificationSettingsEnvelopeSchema,
  },
  'GET /api/canned-replies': {
    summary: 'Canned replies',
    tag: 'Conversations',
    auth: 'agent',
    response: CannedReplyListSchema,
  },
  'GET /api/visitor/conversations/:id/rating': {
    summary: "The visitor's rating of a conversation (null before one is given)",
    tag: 'Visitors',
    auth: 'visitor',
    response: RatingEnvelopeSchema,
  },
  'POST /api/visitor/conversations/:id/rating': {
    summary: 'Rate a closed conversation 1–5 with an optional comment (masked)',
    tag: 'Visitors',
    auth: 'visitor',
    body: RateRequestSchema,
    response: RatingEnvelopeSchema,
  },
  'POST /api/visitor/conversations/:id/transcript': {
    summary: 'E-mail the transcript to the visitor (masked; rate-limited)',
    tag: 'Visitors',
    auth: 'visitor',
    body: TranscriptRequestSchema,
    response: TranscriptQueuedSchema,
    status: 202,
  },
  'GET /api/conversations/:id/rating': {
    summary: "The customer's rating of a conversation",
    tag: 'Conversations',
    auth: 'agent',
    response: RatingEnvelopeSchema,
  },
  'POST /api/conversations/:id/transcript': {
    summary: 'E-mail the transcript to the customer (masked, no notes; audited)',
    tag: 'Conversations',
    auth: 'agent',
    body: TranscriptRequestSchema,
    response: TranscriptQueuedSchema,
    status: 202,
  },
  'POST /api/history': {
    summary:
      'All conversations, newest first: filters and a search over message words (blind index), by cursor',
    tag: 'Conversations',
    auth: 'agent',
    body: HistoryQuerySchema,
    response: HistoryPageSchema,
  },
  'GET /api/reports/ratings': {
    summary:
      'Ratings of the conversations started in the range: count, average, distribution, per agent (report:read)',
    tag: 'Reports',
    auth: 'agent',
    query: RatingReportQuerySchema,
    response: RatingReportSchema,
  },
  'GET /api/reports/overview': {
    summary:
      'Conversations, missed chats, waiting, first-response and handling times, ratings and payments per day, team or agent (report:read)',
    tag: 'Reports',
    auth: 'agent',
    query: ReportQuerySchema,
    response: ReportOverviewSchema,
  },
  'GET /api/reports/export.csv': {
    summary:
      'The overview as CSV, one line per day, team or agent and a line of totals (report:read)',
    tag: 'Reports',
    auth: 'agent',
    query: ReportQuerySchema,
  },
  'GET /api/conversations/:id/payments': {
    summary: 'Payments of a conversation',
    tag: 'Payments',
    auth: 'agent',
    response: PaymentListSchema,
  },
  'POST /api/conversations/:id/payments': {
    summary: 'Request a card payment in the chat',
    tag: 'Payments',
    auth: 'agent',
    body: PaymentRequestBodySchema,
    response: PaymentEnvelopeSchema,
  },
  'POST /api/payments/:id/cancel': {
    summary: 'Cancel a payment request',
    tag: 'Payments',
    auth: 'agent',
    response: PaymentEnvelopeSchema,
  },
  'POST /api/payments/:id/refunds': {
    summary: 'Refund a payment (idempotent on idempotencyKey)',
    tag: 'Payments',
    auth: 'agent',
    body: RefundRequestBodySchema,
    response: PaymentEnvelopeSchema,
  },
  'GET /api/payments/settings': {
    summary: 'Payment settings',
    tag: 'Payments',
    auth: 'agent',
    response: PaymentSettingsSchema,
  },
  'GET /api/agents': {
    summary: 'List agents',
    tag: 'Agents',
    auth: 'agent',
    response: z.object({ agents: z.array(AgentAdminViewSchema) }),
  },
  'POST /api/agents': {
    summary: 'Invite an agent',
    tag: 'Agents',
    auth: 'agent',
    body: InviteAgentRequestSchema,
    response: InviteAgentResponseSchema,
    status: 201,
  },
  'PATCH /api/agents/:id': {
    summary: "Change an agent's name, role or status",
    tag: 'Agents',
    auth: 'agent',
    body: UpdateAgentRequestSchema,
    response: z.object({ agent: AgentAdminViewSchema }),
  },
  'GET /api/audit': {
    summary: 'Read the audit log',
    tag: 'Audit and security',
    auth: 'agent',
    query: AuditQuerySchema,
    response: AuditListSchema,
  },
  'GET /api/security/events': {
    summary: 'Security events',
    tag: 'Audit and security',
    auth: 'agent',
    response: SecurityEventListSchema,
  },
  'GET /api/api-tokens': {
    summary: 'List API tokens (console session only)',
    tag: 'API tokens',
    auth: 'agent',
    response: ApiTokenListSchema,
  },
  'GET /api/webhooks': {
    summary: "The organisation's webhook endpoints with their backlog (console session only)",
    tag: 'Webhooks',
    auth: 'agent',
    response: WebhookListSchema,
  },
  'POST /api/webhooks': {
    summary: 'Register a webhook endpoint; the signing secret is in this answer only',
    tag: 'Webhooks',
    auth: 'agent',
    body: WebhookCreateRequestSchema,
    response: WebhookCreatedSchema,
    status: 201,
  },
  'PATCH /api/webhooks/:id': {
    summary: 'Enable or disable an endpoint, or change its events',
    tag: 'Webhooks',
    auth: 'agent',
    body: WebhookUpdateRequestSchema,
  },
  'GET /api/webhooks/:id/deliveries': {
    summary: "An endpoint's delivery log, newest first",
    tag: 'Webhooks',
    auth: 'agent',
    response: WebhookDeliveryListSchema,
  },
  'POST /api/api-tokens': {
    summary: 'Create an API token; the secret is in this answer only (console session only)',
    tag: 'API tokens',
    auth: 'agent',
    body: ApiTokenCreateRequestSchema,
    response: ApiTokenCreatedSchema,
    status: 201,
  },
  'DELETE /api/api-tokens/:id': {
    summary: 'Revoke an API token (console session only)',
    tag: 'API tokens',
    auth: 'agent',
    status: 204,
  },
  'GET /api/presence': {
    summary: "Every agent's presence and load",
    tag: 'Routing',
    auth: 'agent',
    response: PresenceListSchema,
  },
  'GET /api/presence/me': {
    summary: 'Your own presence',
    tag: 'Routing',
    auth: 'agent',
    response: PresenceEnvelopeSchema,
  },
  'PUT /api/presence': {
    summary: 'Set your status (online, away, appear offline) and capacity',
    tag: 'Routing',
    auth: 'agent',
    body: PresenceUpdateRequestSchema,
    response: PresenceEnvelopeSchema,
  },
  'POST /api/presence/activity': {
    summary: 'Report activity (no longer away after inactivity)',
    tag: 'Routing',
    auth: 'agent',
    response: PresenceEnvelopeSchema,
  },
  'PUT /api/agents/:id/capacity': {
    summary: "Set an agent's maximum of concurrent chats (admins)",
    tag: 'Routing',
    auth: 'agent',
    body: CapacityRequestSchema,
    response: PresenceEnvelopeSchema,
  },
  'GET /api/teams': {
    summary: 'Teams and their members',
    tag: 'Routing',
    auth: 'agent',
    response: TeamListSchema,
  },
  'POST /api/teams': {
    summary: 'Create a team (admins)',
    tag: 'Routing',
    auth: 'agent',
    body: TeamRequestSchema,
    response: TeamEnvelopeSchema,
  },
  'PUT /api/teams/:id': {
    summary: "Change a team's name, routing, escalation or visitor choice (admins)",
    tag: 'Routing',
    auth: 'agent',
    body: TeamRequestSchema,
    response: TeamEnvelopeSchema,
  },
  'DELETE /api/teams/:id': {
    summary: 'Delete a team; its waiting chats go to the shared queue (admins)',
    tag: 'Routing',
    auth: 'agent',
    status: 204,
  },
  'PUT /api/teams/:id/members': {
    summary: "Replace a team's members (admins)",
    tag: 'Routing',
    auth: 'agent',
    body: TeamMembersRequestSchema,
    response: TeamEnvelopeSchema,
  },
  'GET /api/conversations/:id/transfers': {
    summary: 'Transfers of a conversation (agents only)',
    tag: 'Routing',
    auth: 'agent',
    response: TransferListSchema,
  },
  'POST /api/conversations/:id/transfers': {
    summary: 'Offer a conversation to an agent or a team, with a note',
    tag: 'Routing',
    auth: 'agent',
    body: TransferRequestSchema,
    response: TransferEnvelopeSchema,
  },
  'GET /api/transfers/incoming': {
    summary: 'Pending transfers you may answer',
    tag: 'Routing',
    auth: 'agent',
    response: TransferListSchema,
  },
  'POST /api/transfers/:id/accept': {
    summary: 'Accept a transfer: the conversation becomes yours',
    tag: 'Routing',
    auth: 'agent',
    response: TransferEnvelopeSchema,
  },
  'POST /api/transfers/:id/decline': {
    summary: 'Decline (or, as its sender, withdraw) a transfer',
    tag: 'Routing',
    auth: 'agent',
    response: TransferEnvelopeSchema,
  },
  ...PRIVACY_ROUTES,
  ...BRANDING_ROUTES,
};
