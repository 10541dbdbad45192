import type { Tx } from './transaction';

// The agent's desk (0017-desk): internal notes and canned replies. Texts are
// stored masked (the caller masks them); originals are never stored.

export interface ConversationNotesTable {
  id: string;
  org_id: string;
  conversation_id: string;
  author_id: string;
  client_id: string; // the author's idempotency key: one note per (org, author, client id)
  text: string;
  masked: string; // JSON array of finding types
  created_at: number;
}

export interface CannedRepliesTable {
  id: string;
  org_id: string;
  scope: string; // '' for the whole organisation, else a team id
  shortcut: string; // lower-case, without the slash
  title: string;
  body: string;
  masked: string; // JSON array of finding types
  created_by: string;
  created_at: number;
  updated_at: number;
}

// 0065-desk-collab: supervisors who joined a conversation they do not hold.
export interface ConversationParticipantsTable {
  conversation_id: string;
  agent_id: string;
  org_id: string;
  joined_at: number;
}

// 0065-desk-collab: notification choices and read state, per agent.
export interface AgentNotificationSettingsTable {
  agent_id: string;
  org_id: string;
  settings: string; // JSON, NotificationSettingsSchema
  updated_at: number;
}

export interface ConversationReadsTable {
  agent_id: string;
  conversation_id: string;
  org_id: string;
  read_seq: number;
  updated_at: number;
}

export interface DeskTables {
  conversation_notes: ConversationNotesTable;
  canned_replies: CannedRepliesTable;
  conversation_participants: ConversationParticipantsTable;
  agent_notification_settings: AgentNotificationSettingsTable;
  conversation_reads: ConversationReadsTable;
}

export interface ParticipantRow {
  conversationId: string;
  agentId: string;
  agentName: string | null;
  joinedAt: number;
}

export interface NoteRow {
  id: string;
  orgId: string;
  conversationId: string;
  authorId: string;
  authorName: string | null;
  clientId: string;
  text: string;
  masked: string[];
  createdAt: number;
}

export interface CannedReplyRow {
  id: string;
  orgId: string;
  /** null: the whole organisation. */
  teamId: string | null;
  shortcut: string;
  title: string;
  body: string;
  masked: string[];
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

export interface DeskRepo {
  /** Stores a note; a repeated (author, clientId) stores nothing and returns the earlier note. */
  addNote(input: {
    orgId: string;
    conversationId: string;
    authorId: string;
    clientId: string;
    text: string;
    masked: string[];
    now: number;
  }): Promise<{ note: NoteRow; duplicate: boolean }>;
  /** A conversation's notes, oldest first. */
  notes(orgId: string, conversationId: string): Promise<NoteRow[]>;
  cannedList(orgId: string): Promise<CannedReplyRow[]>;
  cannedById(orgId: string, id: string): Promise<CannedReplyRow | undefined>;
  /** Inserts a canned reply; undefined when its shortcut is taken in its scope. */
  cannedCreate(input: {
    orgId: string;
    teamId: string | null;
    shortcut: string;
    title: string;
    body: string;
    masked: string[];
    createdBy: string;
    now: number;
  }): Promise<CannedReplyRow | undefined>;
  /** 'taken' when the new shortcut is used in its scope. */
  cannedUpdate(
    orgId: string,
    id: string,
    patch: { shortcut: string; title: string; body: string; masked: string[]; now: number },
  ): Promise<CannedReplyRow | 'taken' | undefined>;
  cannedDelete(orgId: string, id: string): Promise<boolean>;
  /** Records that an agent joined a conversation; false when they had joined already. */
  addParticipant(
    input: { orgId: string; conversationId: string; agentId: string; now: number },
    tx?: Tx,
  ): Promise<boolean>;
  /** The agents who joined a conversation, earliest first. */
  participants(orgId: string, conversationId: string): Promise<ParticipantRow[]>;
  /** The agent's stored notification settings (unparsed JSON), undefined when never saved. */
  notificationSettings(orgId: string, agentId: string): Promise<string | undefined>;
  setNotificationSettings(orgId: string, agentId: string, json: string, now: number): Promise<void>;
  /** Moves the agent's read mark forward to `seq` (never back: an older tab cannot undo a read). */
  markRead(input: {
    orgId: string;
    agentId: string;
    conversationId: string;
    seq: number;
    now: number;
  }): Promise<void>;
  /**
   * Unread visitor messages in the active conversations the agent holds or joined: messages
   * from the visitor after the agent's read mark. Only conversations with some are listed.
   */
  unread(orgId: string, agentId: string): Promise<{ conversationId: string; unread: number }[]>;
}
