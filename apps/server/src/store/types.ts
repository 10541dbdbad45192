import type { ColumnType, Kysely } from 'kysely';
import type { ConversationStatus, Role } from '@parley/protocol';
import type { PaymentTables, PaymentsRepo } from './payment-types';
import type { AuditRepo, SecurityRepo, SecurityTables } from './security-types';
import type { MaskingSettingsRepo, MaskingTables } from './masking-types';
import type { BrandingRepo, BrandingTables } from './branding-types';
import type { AccountRepo, MailRepo, MailTables } from './mail-types';
import type { FilesRepo, FileTables } from './file-types';
import type { IdentityRepo, IdentityTables } from './identity-types';
import type { SiemRepo, SiemTables } from './siem-types';
import type { ApiTokenRepo, ApiTokenTables } from './api-token-types';
import type { BlockRepo, BlockTables } from './block-types';
import type { InstallationKeysRepo, InstallationKeyTables } from './installation-key-types';
import type { WebhookRepo, WebhookTables } from './webhook-types';
import type { DeskRepo, DeskTables } from './desk-types';
import type { ConsentRepo, LifecycleTables, RetentionRepo } from './lifecycle-types';
import type { FeedbackRepo, FeedbackTables } from './feedback-types';
import type { ReportsRepo } from './report-types';
import type { RoutingRepo, RoutingTables } from './routing-types';
import type { OfflineRepo, OfflineTables } from './offline-types';
import type { SearchRepo, SearchTables } from './search-types';
import type { DataKeys } from './data-keys';
import type { TransactionRunner, Tx } from './transaction';
import type { VisitorIdentityRepo, VisitorIdentityTables } from './visitor-identity-types';

export type * from './security-types';
export type { Tx, TransactionRunner } from './transaction';
export type * from './payment-types';
export type * from './masking-types';
export type * from './branding-types';
export type * from './mail-types';
export type * from './siem-types';
export type * from './api-token-types';
export type * from './block-types';
export type * from './installation-key-types';
export type * from './webhook-types';
export type * from './file-types';
export type * from './identity-types';
export type * from './desk-types';
export type * from './feedback-types';
export type * from './report-types';
export type * from './routing-types';
export type * from './offline-types';
export type * from './visitor-identity-types';
export type * from './lifecycle-types';

/**
 * The chat store's contract. Every method that reads or writes tenant data takes
 * the organisation id and scopes its query by it (DESIGN.md law 3). Times are
 * milliseconds since the epoch; ids are random UUIDs.
 */

// ---- tables ------------------------------------------------------------------

export interface OrganisationsTable {
  id: string;
  key: string; // public key the widget names the organisation by
  name: string;
  allowed_origins: string; // JSON array of origins, e.g. ["https://shop.example"]
  greeting: string;
  created_at: number;
}
export interface AgentsTable {
  id: string;
  org_id: string;
  email: string; // lower-case, unique across the installation
  name: string;
  role: Role;
  password_hash: string;
  active: number; // 1 | 0
  created_at: number;
}
export interface AgentSessionsTable {
  token_hash: string; // SHA-256 hex of the session token; the token itself is never stored
  agent_id: string;
  org_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** The address the session signed in from (migration 0006), for allowlist changes. */
  ip: string | null;
  /** The browser's User-Agent at sign-in (migration 0010), for the agent's list of sessions. */
  user_agent: string | null;
  /** When the idle timeout locked the session (migration 0010); null while unlocked. */
  locked_at: number | null;
}
export interface VisitorsTable {
  id: string;
  org_id: string;
  name: string | null;
  token_hash: string; // SHA-256 hex of the visitor token
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}
export interface ConversationsTable {
  id: string;
  org_id: string;
  visitor_id: string;
  status: ConversationStatus;
  agent_id: string | null;
  last_seq: number;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
  /** Routing (migration 0050): the team, when the chat entered the queue, how far escalated. */
  team_id: ColumnType<string | null, string | null | undefined, string | null>;
  queued_at: ColumnType<number | null, number | null | undefined, number | null>;
  escalation: ColumnType<number, number | undefined, number>;
  /** Reports (migration 0078): an agent first took it; the first agent reply was stored. */
  assigned_at: ColumnType<number | null, number | null | undefined, number | null>;
  first_response_at: ColumnType<number | null, number | null | undefined, number | null>;
}
export interface MessagesTable {
  id: string;
  org_id: string;
  conversation_id: string;
  seq: number;
  sender_kind: 'visitor' | 'agent' | 'system';
  sender_id: string | null;
  client_msg_id: string | null;
  text: string; // always the masked text; originals are never stored
  masked: string; // JSON array of finding types
  created_at: number;
}
export interface Database
  extends
    SecurityTables,
    PaymentTables,
    MaskingTables,
    BrandingTables,
    MailTables,
    FileTables,
    IdentityTables,
    SiemTables,
    DeskTables,
    RoutingTables,
    VisitorIdentityTables,
    ApiTokenTables,
    InstallationKeyTables,
    WebhookTables,
    LifecycleTables,
    FeedbackTables,
    BlockTables,
    FeedbackTables,
    SearchTables,
    OfflineTables {
  organisations: OrganisationsTable;
  agents: AgentsTable;
  agent_sessions: AgentSessionsTable;
  visitors: VisitorsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  mask_state: MaskStateTable;
  visitor_mask_state: VisitorMaskStateTable;
  data_keys: DataKeysTable;
}

/** A data key wrapped by the key-encryption key (migration 0013); the clear key is never stored. */
export interface DataKeysTable {
  id: string;
  org_id: string;
  owner_kind: 'conversation' | 'visitor' | 'search'; // search: an organisation's blind-index key (0112)
  owner_id: string;
  kek_id: string;
  wrapped: string;
  created_at: number;
}

export interface VisitorMaskStateTable {
  visitor_id: string;
  org_id: string;
  state: string;
  updated_at: number;
}

/** The masker's per-sender state of a conversation (JSON without digits) and its version. */
export interface MaskStateTable {
  conversation_id: string;
  sender_key: string;
  org_id: string;
  state: string;
  version: number;
  updated_at: number;
}

// ---- rows as the rest of the server sees them -------------------------------

export interface Organisation {
  id: string;
  key: string;
  name: string;
  allowedOrigins: string[];
  greeting: string;
  createdAt: number;
}
export interface AgentRow {
  id: string;
  orgId: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  active: boolean;
  createdAt: number;
}
export interface AgentSessionRow {
  tokenHash: string;
  agentId: string;
  orgId: string;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  revokedAt: number | null;
  /** Locked by the idle timeout at this time (migration 0010); null while unlocked. */
  lockedAt: number | null;
}
export interface VisitorRow {
  id: string;
  orgId: string;
  name: string | null;
  tokenHash: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}
export interface ConversationRow {
  id: string;
  orgId: string;
  visitorId: string;
  visitorName: string | null;
  /** The host website vouched for the visitor (issue 11 item 1). */
  visitorVerified: boolean;
  status: ConversationStatus;
  agentId: string | null;
  agentName: string | null;
  lastSeq: number;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  /** The team it was routed to (migration 0050); null: the shared queue. */
  teamId: string | null;
}
export interface MessageRow {
  id: string;
  orgId: string;
  conversationId: string;
  seq: number;
  senderKind: 'visitor' | 'agent' | 'system';
  senderId: string | null;
  senderName: string | null;
  clientMsgId: string | null;
  text: string;
  masked: string[];
  createdAt: number;
}

export interface NewMessage {
  orgId: string;
  conversationId: string;
  senderKind: 'visitor' | 'agent' | 'system';
  senderId: string | null;
  clientMsgId: string | null;
  text: string; // already masked by the caller
  masked: string[];
  /**
   * The sender's masking state after this message, stored in the same transaction when the
   * message is new. `expect` is the version the caller masked against: if another message moved
   * it on meanwhile, nothing is stored and the result is `mask_state_stale` (mask again).
   */
  maskState?: { senderKey: string; expect: number; state: string };
  /** Blind index terms of the text (store/blind-index.ts), set by the messages repo. */
  searchTerms?: string[];
}

/** A sender's stored masking state and its version (0: none stored). */
export interface StoredMaskState {
  state: string | null;
  version: number;
}

/**
 * Outcome of one message in a batch. `duplicate` means a message with the same
 * (conversation, sender, clientMsgId) was stored before; `message` is then
 * that earlier message, so the caller can repeat the same ack.
 */
export type AppendResult =
  | { ok: true; duplicate: boolean; message: MessageRow }
  | { ok: false; code: 'conversation_not_found' | 'conversation_closed' | 'mask_state_stale' };

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Escape hatch for modules that need a query the repositories lack. */
  readonly db: Kysely<Database>;
  migrate(): Promise<void>;
  /** Migrations applied and still to apply; changes nothing. */
  pendingMigrations(): Promise<{ applied: number; pending: string[] }>;
  close(): Promise<void>;
  /**
   * Runs `fn` in one write transaction on either dialect (store/transaction.ts):
   * repository writes given `tx` and `audit.record(store, entry, tx)` commit
   * together or not at all; `tx.afterCommit` side effects run after the commit.
   */
  transaction: TransactionRunner;
  /** Data keys per conversation and visitor (encryption at rest, crypto-shredding; law 9). */
  dataKeys: DataKeys;
  /** Erasure across the chat store (issue 12). */
  privacy: {
    conversationsOf(orgId: string, visitorId: string): Promise<string[]>;
    erase(
      orgId: string,
      target: { conversationIds: string[]; visitorIds: string[] },
      now: number,
      tx?: Tx,
    ): Promise<{
      keys: number;
      messages: number;
      files: number;
      conversations: number;
      visitors: number;
    }>;
  };

  orgs: {
    create(input: {
      name: string;
      allowedOrigins: string[];
      greeting?: string;
    }): Promise<Organisation>;
    byId(id: string): Promise<Organisation | undefined>;
    byKey(key: string): Promise<Organisation | undefined>;
    list(): Promise<Organisation[]>;
    update(
      id: string,
      patch: { name?: string; allowedOrigins?: string[]; greeting?: string },
    ): Promise<Organisation | undefined>;
  };
  /** Second factors, throttling, security settings and events (0003-security). */
  security: SecurityRepo;
  /** The hash-chained audit log (0003-security). */
  audit: AuditRepo;
  /** The durable mail queue (0010-mail-self-service). */
  mail: MailRepo;
  /** Session details, idle locks and unlock links (0010-mail-self-service). */
  account: AccountRepo;
  /** Passkeys and single sign-on (0009-passkeys-sso). */
  identity: IdentityRepo;
  /** Audit entries and security events still to be streamed to the SIEM (0020-siem-outbox). */
  siem: SiemRepo;
  visitorIdentity: VisitorIdentityRepo;
  /** Scoped REST API tokens (0036-api-tokens). */
  apiTokens: ApiTokenRepo;
  /** Fingerprints of the installation's keys, the same on every node (0037-installation-keys). */
  installationKeys: InstallationKeysRepo;
  webhooks: WebhookRepo;
  /** Pre-chat consent (0040-consent). */
  consent: ConsentRepo;
  /** Retention periods, purge runs, job leases (0041-retention). */
  retention: RetentionRepo;
  /** Visitor blocks and visitors' last addresses (0055-visitor-blocks). */
  blocks: BlockRepo;
  agents: {
    create(input: {
      orgId: string;
      email: string;
      name: string;
      role: Role;
      passwordHash: string;
    }): Promise<AgentRow>;
    update(
      orgId: string,
      id: string,
      patch: { name?: string; role?: Role; active?: boolean; passwordHash?: string },
    ): Promise<AgentRow | undefined>;
    /** Installation-wide: e-mail addresses are unique across organisations. */
    byEmail(email: string): Promise<AgentRow | undefined>;
    byId(orgId: string, id: string): Promise<AgentRow | undefined>;
    list(orgId: string): Promise<AgentRow[]>;
  };
  sessions: {
    create(
      input: Omit<AgentSessionRow, 'revokedAt' | 'lastSeenAt' | 'lockedAt'>,
    ): Promise<AgentSessionRow>;
    byTokenHash(tokenHash: string): Promise<AgentSessionRow | undefined>;
    touch(tokenHash: string, now: number): Promise<void>;
    revoke(tokenHash: string, now: number): Promise<void>;
  };
  visitors: {
    create(input: {
      orgId: string;
      name: string | null;
      tokenHash: string;
      expiresAt: number;
    }): Promise<VisitorRow>;
    byTokenHash(tokenHash: string): Promise<VisitorRow | undefined>;
    byId(orgId: string, id: string): Promise<VisitorRow | undefined>;
    setName(orgId: string, id: string, name: string): Promise<void>;
    /** How many of the visitor's conversations are not closed, and when the last one closed. */
    conversationState(
      orgId: string,
      visitorId: string,
    ): Promise<{ conversations: number; open: number; lastClosedAt: number | null }>;
  };
  conversations: {
    create(input: {
      orgId: string;
      visitorId: string;
      teamId?: string | null;
    }): Promise<ConversationRow>;
    byId(orgId: string, id: string): Promise<ConversationRow | undefined>;
    /** Newest first; `status` filters. */
    list(
      orgId: string,
      filter?: { status?: ConversationStatus; limit?: number },
    ): Promise<ConversationRow[]>;
    listForVisitor(orgId: string, visitorId: string): Promise<ConversationRow[]>;
    /** Atomically moves a waiting conversation to active with this agent. Exactly one of concurrent callers gets true. */
    accept(orgId: string, id: string, agentId: string, now: number): Promise<boolean>;
    /** Closes an open conversation; false when it was already closed or is not there. */
    close(orgId: string, id: string, now: number): Promise<boolean>;
  };
  messages: {
    /**
     * Appends a batch in ONE transaction (group commit): each new message gets the
     * conversation's next sequence number; a repeated (conversation, sender,
     * clientMsgId) stores nothing and returns the earlier message.
     */
    appendBatch(items: NewMessage[], now: number): Promise<AppendResult[]>;
    /** Messages with seq > afterSeq, ascending, at most `limit`. */
    after(
      orgId: string,
      conversationId: string,
      afterSeq: number,
      limit: number,
    ): Promise<MessageRow[]>;
    /** The masking state of one sender in a conversation. */
    maskState(orgId: string, conversationId: string, senderKey: string): Promise<StoredMaskState>;
    /** The masking state of the digits in a visitor's name (none: null). */
    nameMaskState(orgId: string, visitorId: string): Promise<string | null>;
    setNameMaskState(orgId: string, visitorId: string, state: string | null): Promise<void>;
    /** Stores a sender's first masking state in a new conversation (version 1), unless one exists. */
    seedMaskState(
      orgId: string,
      conversationId: string,
      senderKey: string,
      state: string,
    ): Promise<void>;
    /** Every sender's masking state in a conversation. */
    maskStates(orgId: string, conversationId: string): Promise<string[]>;
    /** Forgets a conversation's masking state (it is closed: nothing can join its pieces now). */
    dropMaskStates(orgId: string, conversationId: string): Promise<void>;
    /** Replaces the stored text of a message (retroactive masking). */
    replaceText(
      orgId: string,
      conversationId: string,
      seq: number,
      text: string,
      masked: string[],
    ): Promise<boolean>;
  };
  payments: PaymentsRepo;
  /** Per-organisation masking settings (0004-masking-settings). */
  maskingSettings: MaskingSettingsRepo;
  /** The widget's branding per organisation (0117-branding). */
  branding: BrandingRepo;
  /** Files in the chat (0011-files). */
  files: FilesRepo;
  /** Internal notes and canned replies (0017-desk). */
  desk: DeskRepo;
  /** Ratings of conversations (0045-ratings). */
  feedback: FeedbackRepo;
  /** Report figures (0078-reports). */
  reports: ReportsRepo;
  /** Presence, teams, assignment and transfers (0050-routing). */
  routing: RoutingRepo;
  /** Business hours, offline contacts, continue links (0046-offline). */
  offline: OfflineRepo;
  /** History and the blind search index (0112-search-index). */
  search: SearchRepo;
}
