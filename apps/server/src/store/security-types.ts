/**
 * Tables and repository contracts of agent access security (migration
 * 0003-security). Kept beside types.ts so that the chat contract stays small.
 */
import type { Tx } from './transaction';

export interface AgentMfaTable {
  agent_id: string;
  org_id: string;
  totp_secret: string | null;
  pending_secret: string | null;
  enabled_at: number | null;
  last_step: number | null;
  must_change_password: number; // 1 | 0
  /** When the one-time (invite) password stops working; null for none (migration 0006). */
  otp_expires_at: number | null;
}
export interface RecoveryCodesTable {
  id: string;
  org_id: string;
  agent_id: string;
  code_hash: string; // SHA-256 hex; the code itself is shown once and never stored
  used_at: number | null;
}
export interface SessionMfaTable {
  token_hash: string;
  org_id: string;
  verified_at: number;
}
export interface AuthThrottleTable {
  key: string;
  failures: number;
  first_at: number;
  locked_until: number | null;
}
export interface OrgSecurityTable {
  org_id: string;
  mfa_policy: string;
  ip_allowlist: string; // JSON array of CIDR ranges
  webhook_url: string | null;
  webhook_secret: string | null;
  updated_at: number;
  idle_minutes: number | null;
}
export interface SecurityEventsTable {
  id: string;
  org_id: string;
  type: string;
  agent_id: string | null;
  ip: string | null;
  detail: string; // JSON object
  created_at: number;
}
export interface AuditLogTable {
  org_id: string;
  seq: number;
  id: string;
  at: number;
  actor_kind: string;
  actor_id: string | null;
  action: string;
  outcome: string;
  ip: string | null;
  resource_type: string | null;
  resource_id: string | null;
  detail: string; // canonical JSON object
  prev_hash: string;
  hash: string;
}

export interface AuthChallengesUsedTable {
  signature: string;
  expires_at: number;
}
export interface SessionProofsTable {
  token_hash: string;
  org_id: string;
  password_at: number | null;
  factor_at: number | null;
}

export interface SecurityTables {
  auth_challenges_used: AuthChallengesUsedTable;
  session_proofs: SessionProofsTable;
  agent_mfa: AgentMfaTable;
  recovery_codes: RecoveryCodesTable;
  session_mfa: SessionMfaTable;
  auth_throttle: AuthThrottleTable;
  org_security: OrgSecurityTable;
  security_events: SecurityEventsTable;
  audit_log: AuditLogTable;
}

// ---- rows --------------------------------------------------------------------

/** 'admins': MFA required for admins (the default); 'all': for everyone; 'none': only settable in the store (test helper). */
export type MfaPolicy = 'admins' | 'all' | 'none';

export interface AgentMfaRow {
  agentId: string;
  orgId: string;
  totpSecret: string | null;
  pendingSecret: string | null;
  enabledAt: number | null;
  lastStep: number | null;
  mustChangePassword: boolean;
  otpExpiresAt: number | null;
}
export interface OrgSecurityRow {
  orgId: string;
  mfaPolicy: MfaPolicy;
  ipAllowlist: string[];
  webhookUrl: string | null;
  webhookSecret: string | null;
  /** Idle timeout in minutes; null means the installation's default. */
  idleMinutes: number | null;
  updatedAt: number;
}
export interface ThrottleRow {
  key: string;
  failures: number;
  firstAt: number;
  lockedUntil: number | null;
}
export interface SecurityEventRow {
  id: string;
  orgId: string;
  type: string;
  agentId: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
  createdAt: number;
}
export interface AuditEntry {
  orgId: string;
  seq: number;
  id: string;
  at: number;
  actorKind: string;
  actorId: string | null;
  action: string;
  outcome: string;
  ip: string | null;
  resourceType: string | null;
  resourceId: string | null;
  /** Canonical JSON, exactly as hashed. */
  detail: string;
  prevHash: string;
  hash: string;
}
export type NewAuditEntry = Omit<AuditEntry, 'seq' | 'id' | 'prevHash' | 'hash'>;

export interface AuditFilter {
  action?: string;
  actorId?: string;
  outcome?: string;
  from?: number;
  to?: number;
  /** Entries with seq below this (paging backwards). */
  beforeSeq?: number;
  limit: number;
}

export interface ThrottleRepo {
  throttle(key: string): Promise<ThrottleRow | undefined>;
  /**
   * Reserves one attempt under the limit BEFORE the slow check runs: one
   * conditional upsert, atomic on both dialects and across nodes. Not reserved
   * when the key is locked or `max` attempts are already in the window.
   */
  reserveAttempt(
    key: string,
    now: number,
    opts: { windowMs: number; max: number },
  ): Promise<{ reserved: true; row: ThrottleRow } | { reserved: false }>;
  lock(key: string, until: number): Promise<void>;
  /** Counts a failure in the window (never locks); returns the new count. Atomic. */
  countFailure(key: string, now: number, windowMs: number): Promise<ThrottleRow>;
  clearThrottle(key: string): Promise<void>;
  /** Marks a solved challenge spent; false when it was spent already (a replay). */
  spendChallenge(signature: string, expiresAt: number, now: number): Promise<boolean>;
}

export interface SessionProofs {
  passwordAt: number | null;
  factorAt: number | null;
}

export interface SecurityRepo extends ThrottleRepo {
  mfa(orgId: string, agentId: string): Promise<AgentMfaRow | undefined>;
  setPendingSecret(orgId: string, agentId: string, secret: string): Promise<void>;
  /** Moves the pending secret into use; false when there was no pending secret. */
  enableTotp(orgId: string, agentId: string, now: number): Promise<boolean>;
  disableTotp(orgId: string, agentId: string): Promise<void>;
  /** Records a time-step as used; false when it (or a later one) was used already. Atomic. */
  useTotpStep(orgId: string, agentId: string, step: number): Promise<boolean>;
  setMustChangePassword(orgId: string, agentId: string, value: boolean): Promise<void>;
  replaceRecoveryCodes(orgId: string, agentId: string, codeHashes: string[]): Promise<void>;
  /** Marks an unused code used; false when there is none. Atomic. */
  useRecoveryCode(orgId: string, agentId: string, codeHash: string, now: number): Promise<boolean>;
  unusedRecoveryCodes(orgId: string, agentId: string): Promise<number>;

  markSessionMfa(orgId: string, tokenHash: string, now: number): Promise<void>;
  sessionMfaAt(tokenHash: string): Promise<number | undefined>;
  /** Revokes every live session of an agent; returns their token hashes. */
  revokeAgentSessions(orgId: string, agentId: string, now: number): Promise<string[]>;

  /** One-time passwords (invites) stop working at this time; null for none. */
  setOneTimePasswordExpiry(orgId: string, agentId: string, expiresAt: number | null): Promise<void>;
  /** Step-up: when the session last proved each credential. */
  proveSession(
    orgId: string,
    tokenHash: string,
    proof: { passwordAt?: number; factorAt?: number },
  ): Promise<void>;
  sessionProofs(tokenHash: string): Promise<SessionProofs>;
  setSessionIp(tokenHash: string, ip: string): Promise<void>;
  sessionIp(tokenHash: string): Promise<string | null>;
  /** Live sessions of the organisation with the address each signed in from. */
  liveSessions(
    orgId: string,
    now: number,
  ): Promise<{ tokenHash: string; agentId: string; ip: string | null }[]>;
  /** Revokes the given live sessions of the organisation. */
  revokeSessions(orgId: string, tokenHashes: string[], now: number): Promise<void>;
  /** Every secret column value (for encrypting legacy clear values at boot). */
  secretColumns(): Promise<
    { table: 'agent_mfa' | 'org_security'; id: string; column: string; value: string }[]
  >;
  setSecretColumn(
    table: 'agent_mfa' | 'org_security',
    id: string,
    column: string,
    value: string,
  ): Promise<void>;

  settings(orgId: string): Promise<OrgSecurityRow>;
  updateSettings(
    orgId: string,
    patch: {
      mfaPolicy?: MfaPolicy;
      ipAllowlist?: string[];
      webhookUrl?: string | null;
      webhookSecret?: string | null;
      idleMinutes?: number | null;
    },
    now: number,
  ): Promise<OrgSecurityRow>;

  /** Stores an event; `exportTo` names the SIEM channels it is queued for, in the same transaction. */
  addEvent(
    input: Omit<SecurityEventRow, 'id'>,
    exportTo?: readonly string[],
  ): Promise<SecurityEventRow>;
  /** The events with these ids (any order). */
  eventsByIds(ids: readonly string[]): Promise<SecurityEventRow[]>;
  events(orgId: string, filter: { type?: string; limit: number }): Promise<SecurityEventRow[]>;
  eventCounts(orgId: string): Promise<Record<string, number>>;
}

/** The aggregates behind `store.security` (repos/security.ts is their facade), one repository file each. */
export type MfaRepo = Pick<
  SecurityRepo,
  | 'mfa'
  | 'setPendingSecret'
  | 'enableTotp'
  | 'disableTotp'
  | 'useTotpStep'
  | 'setMustChangePassword'
  | 'setOneTimePasswordExpiry'
>;
export type RecoveryCodesRepo = Pick<
  SecurityRepo,
  'replaceRecoveryCodes' | 'useRecoveryCode' | 'unusedRecoveryCodes'
>;
export type SessionSecurityRepo = Pick<
  SecurityRepo,
  | 'markSessionMfa'
  | 'sessionMfaAt'
  | 'revokeAgentSessions'
  | 'proveSession'
  | 'sessionProofs'
  | 'setSessionIp'
  | 'sessionIp'
  | 'liveSessions'
  | 'revokeSessions'
>;
export type SecretColumnsRepo = Pick<SecurityRepo, 'secretColumns' | 'setSecretColumn'>;
export type OrgSecurityRepo = Pick<SecurityRepo, 'settings' | 'updateSettings'>;
export type SecurityEventsRepo = Pick<
  SecurityRepo,
  'addEvent' | 'eventsByIds' | 'events' | 'eventCounts'
>;

export interface AuditRepo {
  /** Appends one entry at the end of the organisation's chain (serialised; retried on a concurrent append). */
  append(
    entry: NewAuditEntry,
    hash: (prevHash: string, seq: number, id: string) => string,
    exportTo?: readonly string[],
    /** Written in this transaction (store.transaction), committing or rolling back with it. */
    tx?: Tx,
  ): Promise<AuditEntry>;
  /** The entries with these ids (any order). */
  byIds(ids: readonly string[]): Promise<AuditEntry[]>;
  /** Newest first. */
  list(orgId: string, filter: AuditFilter): Promise<AuditEntry[]>;
  /** Ascending by seq, for verification. */
  chain(orgId: string, afterSeq: number, limit: number): Promise<AuditEntry[]>;
  /** Every organisation id with a chain (including '' for installation-wide entries). */
  chains(): Promise<string[]>;
}
