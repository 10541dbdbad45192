import type { Kysely } from 'kysely';
import type { ConversationStatus, Role } from '@parley/protocol';
import type {
  AgentRow,
  AgentSessionRow,
  ConversationRow,
  Database,
  MessageRow,
  Organisation,
  VisitorRow,
} from './types';

// Mappers list every field: a column added later must be mapped on purpose,
// never leak through a spread row (CONVENTIONS.md "presenters list their fields").

export function parseStringArray(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export interface OrganisationRecord {
  id: string;
  key: string;
  name: string;
  allowed_origins: string;
  greeting: string;
  created_at: number;
}
export function toOrganisation(r: OrganisationRecord): Organisation {
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    allowedOrigins: parseStringArray(r.allowed_origins),
    greeting: r.greeting,
    createdAt: Number(r.created_at),
  };
}

export interface AgentRecord {
  id: string;
  org_id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  active: number;
  created_at: number;
}
export function toAgent(r: AgentRecord): AgentRow {
  return {
    id: r.id,
    orgId: r.org_id,
    email: r.email,
    name: r.name,
    role: r.role,
    passwordHash: r.password_hash,
    active: Number(r.active) === 1,
    createdAt: Number(r.created_at),
  };
}

export interface SessionRecord {
  token_hash: string;
  agent_id: string;
  org_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
  locked_at?: number | null;
}
export function toSession(r: SessionRecord): AgentSessionRow {
  return {
    tokenHash: r.token_hash,
    agentId: r.agent_id,
    orgId: r.org_id,
    csrfToken: r.csrf_token,
    createdAt: Number(r.created_at),
    lastSeenAt: Number(r.last_seen_at),
    expiresAt: Number(r.expires_at),
    revokedAt: nullableNumber(r.revoked_at),
    lockedAt: nullableNumber(r.locked_at ?? null),
  };
}

export interface VisitorRecord {
  id: string;
  org_id: string;
  name: string | null;
  token_hash: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}
export function toVisitor(r: VisitorRecord): VisitorRow {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    tokenHash: r.token_hash,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    revokedAt: nullableNumber(r.revoked_at),
  };
}

/** Conversations with the visitor's and the agent's names joined in. */
export function selectConversations(db: Kysely<Database>) {
  return db
    .selectFrom('conversations as c')
    .leftJoin('visitors as v', 'v.id', 'c.visitor_id')
    .leftJoin('visitor_identities as vi', 'vi.visitor_id', 'c.visitor_id')
    .leftJoin('agents as a', 'a.id', 'c.agent_id')
    .select([
      'c.id',
      'c.org_id',
      'c.visitor_id',
      'v.name as visitor_name',
      'vi.verified_at as visitor_verified_at',
      'c.status',
      'c.agent_id',
      'a.name as agent_name',
      'c.last_seq',
      'c.created_at',
      'c.updated_at',
      'c.closed_at',
      'c.team_id',
    ]);
}
export interface ConversationRecord {
  id: string;
  org_id: string;
  visitor_id: string;
  visitor_name: string | null;
  visitor_verified_at?: number | null;
  status: ConversationStatus;
  agent_id: string | null;
  agent_name: string | null;
  last_seq: number;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
  team_id?: string | null;
}
export function toConversation(r: ConversationRecord): ConversationRow {
  return {
    id: r.id,
    orgId: r.org_id,
    visitorId: r.visitor_id,
    visitorName: r.visitor_name,
    visitorVerified: r.visitor_verified_at !== null && r.visitor_verified_at !== undefined,
    status: r.status,
    agentId: r.agent_id,
    agentName: r.agent_name,
    lastSeq: Number(r.last_seq),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    closedAt: nullableNumber(r.closed_at),
    teamId: r.team_id ?? null,
  };
}

/** Messages with the sender's display name joined in (none for system messages). */
export function selectMessages(db: Kysely<Database>) {
  return db
    .selectFrom('messages as m')
    .leftJoin('visitors as v', (j) =>
      j.onRef('v.id', '=', 'm.sender_id').on('m.sender_kind', '=', 'visitor'),
    )
    .leftJoin('agents as a', (j) =>
      j.onRef('a.id', '=', 'm.sender_id').on('m.sender_kind', '=', 'agent'),
    )
    .select([
      'm.id',
      'm.org_id',
      'm.conversation_id',
      'm.seq',
      'm.sender_kind',
      'm.sender_id',
      'v.name as visitor_name',
      'a.name as agent_name',
      'm.client_msg_id',
      'm.text',
      'm.masked',
      'm.created_at',
    ]);
}
export interface MessageRecord {
  id: string;
  org_id: string;
  conversation_id: string;
  seq: number;
  sender_kind: 'visitor' | 'agent' | 'system';
  sender_id: string | null;
  visitor_name: string | null;
  agent_name: string | null;
  client_msg_id: string | null;
  text: string;
  masked: string;
  created_at: number;
}
export function toMessage(r: MessageRecord): MessageRow {
  return {
    id: r.id,
    orgId: r.org_id,
    conversationId: r.conversation_id,
    seq: Number(r.seq),
    senderKind: r.sender_kind,
    senderId: r.sender_id,
    senderName:
      r.sender_kind === 'visitor'
        ? r.visitor_name
        : r.sender_kind === 'agent'
          ? r.agent_name
          : null,
    clientMsgId: r.client_msg_id,
    text: r.text,
    masked: parseStringArray(r.masked),
    createdAt: Number(r.created_at),
  };
}

function nullableNumber(value: number | null): number | null {
  return value === null ? null : Number(value);
}
