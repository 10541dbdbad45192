import type { Insertable } from 'kysely';
import type { Tx } from './transaction';

/** Pre-chat consent and retention (0040-consent, 0041-retention; issue 12, docs/privacy.md). */

export interface ConsentSettingsTable {
  org_id: string;
  required: number; // 1 | 0
  current_version: number;
  on_withdrawal: 'erase' | 'close';
  updated_at: number;
  updated_by: string | null;
}
export interface ConsentVersionsTable {
  org_id: string;
  version: number;
  text: string;
  privacy_url: string | null;
  created_at: number;
  created_by: string | null;
}
export interface ConsentsTable {
  id: string;
  org_id: string;
  visitor_id: string;
  conversation_id: string;
  version: number;
  given_at: number;
  withdrawn_at: number | null;
  /** Sealed under the visitor's data key. */
  evidence: string;
}
export interface RetentionSettingsTable {
  org_id: string;
  conversation_days: number | null;
  conversation_action: 'delete' | 'anonymise';
  file_days: number | null;
  security_event_days: number | null;
  audit_days: number | null;
  updated_at: number;
  updated_by: string | null;
}
export interface RetentionRunsTable {
  id: string;
  org_id: string;
  started_at: number;
  finished_at: number | null;
  conversations: number;
  files: number;
  security_events: number;
  audit_entries: number;
}
export interface JobLeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}
export interface AuditHorizonTable {
  org_id: string;
  seq: number;
  hash: string;
  at: number;
}

export interface LifecycleTables {
  consent_settings: ConsentSettingsTable;
  consent_versions: ConsentVersionsTable;
  consents: ConsentsTable;
  retention_settings: RetentionSettingsTable;
  retention_runs: RetentionRunsTable;
  job_leases: JobLeasesTable;
  audit_horizon: AuditHorizonTable;
}

export interface ConsentVersionRow {
  version: number;
  text: string;
  privacyUrl: string | null;
  createdAt: number;
}
export interface ConsentSettingsRow {
  orgId: string;
  required: boolean;
  onWithdrawal: 'erase' | 'close';
  current: ConsentVersionRow;
  updatedAt: number;
}
export interface ConsentRow {
  id: string;
  orgId: string;
  visitorId: string;
  conversationId: string;
  version: number;
  givenAt: number;
  withdrawnAt: number | null;
  evidence: string;
}
export type NewConsent = Insertable<ConsentsTable>;

export interface ConsentRepo {
  /** The saved settings with their current version; undefined when the organisation never saved any. */
  settings(orgId: string): Promise<ConsentSettingsRow | undefined>;
  /** Every version of the text, newest first. */
  versions(orgId: string): Promise<ConsentVersionRow[]>;
  version(orgId: string, version: number): Promise<ConsentVersionRow | undefined>;
  /** Stores a version unless one with that number exists (the built-in text, on first use). */
  ensureVersion(orgId: string, v: ConsentVersionRow, tx?: Tx): Promise<void>;
  /** Saves the settings; a text or link unlike the current version's becomes the next version. */
  save(
    orgId: string,
    input: {
      required: boolean;
      text: string;
      privacyUrl: string | null;
      onWithdrawal: 'erase' | 'close';
    },
    by: string,
    now: number,
    tx?: Tx,
  ): Promise<ConsentSettingsRow>;
  record(row: NewConsent, tx?: Tx): Promise<void>;
  /** The latest consent given for the conversation. */
  forConversation(orgId: string, conversationId: string): Promise<ConsentRow | undefined>;
  forVisitor(orgId: string, visitorId: string): Promise<ConsentRow[]>;
  /** Marks the visitor's live consents withdrawn; returns how many. */
  withdraw(orgId: string, visitorId: string, now: number, tx?: Tx): Promise<number>;
}

export interface RetentionSettingsRow {
  orgId: string;
  conversationDays: number | null;
  conversationAction: 'delete' | 'anonymise';
  fileDays: number | null;
  securityEventDays: number | null;
  auditDays: number | null;
  updatedAt: number;
}
export interface RetentionRunRow {
  id: string;
  orgId: string;
  startedAt: number;
  finishedAt: number | null;
  conversations: number;
  files: number;
  securityEvents: number;
  auditEntries: number;
}
export type RetentionCounts = Pick<
  RetentionRunRow,
  'conversations' | 'files' | 'securityEvents' | 'auditEntries'
>;

export interface RetentionRepo {
  settings(orgId: string): Promise<RetentionSettingsRow | undefined>;
  save(
    orgId: string,
    input: Omit<RetentionSettingsRow, 'orgId' | 'updatedAt'>,
    by: string,
    now: number,
    tx?: Tx,
  ): Promise<RetentionSettingsRow>;
  /** Organisations that set any period. */
  configured(): Promise<RetentionSettingsRow[]>;
  /**
   * Takes or renews the named lease for `holder` until now + ttl; true when this holder has it.
   * Exactly one of concurrent callers wins while the lease is live (both dialects).
   */
  acquireLease(name: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
  /** The organisation's unfinished run (a crashed one is resumed), or a new one. */
  openRun(orgId: string, id: string, now: number): Promise<RetentionRunRow>;
  addToRun(id: string, counts: RetentionCounts): Promise<void>;
  finishRun(id: string, now: number, tx?: Tx): Promise<void>;
  lastRun(orgId: string, tx?: Tx): Promise<RetentionRunRow | undefined>;
  /** Closed conversations, closed before `before`, that still hold content (or, to delete, any). */
  expiredConversations(
    orgId: string,
    before: number,
    mode: 'delete' | 'anonymise',
    limit: number,
  ): Promise<string[]>;
  /**
   * Visitors created before `before` whose every conversation is closed before it (or who have
   * none) and who still hold a data key: their name and details are due for erasure.
   */
  expiredVisitors(orgId: string, before: number, limit: number): Promise<string[]>;
  /** Deletes conversations with everything that cascades (messages, files rows, payments summaries, notes). */
  deleteConversations(orgId: string, ids: string[]): Promise<number>;
  expiredFiles(
    orgId: string,
    before: number,
    limit: number,
  ): Promise<{ id: string; conversationId: string }[]>;
  deleteFiles(orgId: string, ids: string[]): Promise<number>;
  deleteSecurityEvents(orgId: string, before: number, limit: number): Promise<number>;
  /**
   * Deletes up to `limit` of the oldest audit entries older than `before`, moving the audit
   * horizon (the last removed entry's seq and hash) so the chain still verifies from there.
   */
  purgeAudit(orgId: string, before: number, limit: number, now: number): Promise<number>;
  auditHorizon(orgId: string): Promise<{ seq: number; hash: string } | undefined>;
}
