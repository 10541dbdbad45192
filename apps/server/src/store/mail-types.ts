/** Tables and repositories of migration 0010-mail-self-service: the mail queue, unlock links, session details. */

export interface MailOutboxTable {
  id: string;
  org_id: string;
  idempotency_key: string;
  to_addr: string;
  template: string;
  data: string;
  status: MailStatus;
  attempts: number;
  next_at: number;
  lease_until: number | null;
  lease_owner: string | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}
export interface MailAttemptsTable {
  outbox_id: string;
  attempt: number;
  at: number;
  outcome: 'sent' | 'retry' | 'failed';
  error: string | null;
}
export interface UnlockTokensTable {
  token_hash: string;
  org_id: string;
  agent_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}
export interface MailTables {
  mail_outbox: MailOutboxTable;
  mail_attempts: MailAttemptsTable;
  unlock_tokens: UnlockTokensTable;
}

/** pending: waiting (maybe for a retry); sending: leased by a node; sent: the server said 250; failed: gave up. */
export type MailStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface MailRow {
  id: string;
  orgId: string;
  idempotencyKey: string;
  to: string;
  template: string;
  data: string;
  status: MailStatus;
  attempts: number;
  nextAt: number;
  leaseUntil: number | null;
  leaseOwner: string | null;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}
export interface MailAttemptRow {
  attempt: number;
  at: number;
  outcome: 'sent' | 'retry' | 'failed';
  error: string | null;
}

export interface MailRepo {
  /** Inserts unless the idempotency key exists; returns the row with that key either way. */
  enqueue(input: {
    orgId: string;
    idempotencyKey: string;
    to: string;
    template: string;
    data: string;
    now: number;
  }): Promise<{ row: MailRow; duplicate: boolean }>;
  /**
   * Claims one due e-mail in ONE conditional statement: pending and due, or
   * `sending` with an expired lease (its node died). The claimant owns it until
   * `leaseUntil`; its attempt counter is raised.
   */
  claim(owner: string, now: number, leaseMs: number): Promise<MailRow | undefined>;
  /** Marks sent (only by the lease owner) and drops its data. False when the lease was lost. */
  markSent(id: string, owner: string, now: number): Promise<boolean>;
  /** Records a failed attempt: back to pending at `nextAt`, or failed for good when `nextAt` is null. */
  markFailed(
    id: string,
    owner: string,
    now: number,
    error: string,
    nextAt: number | null,
  ): Promise<boolean>;
  byId(id: string): Promise<MailRow | undefined>;
  byKey(idempotencyKey: string): Promise<MailRow | undefined>;
  attempts(id: string): Promise<MailAttemptRow[]>;
}

export interface AgentSessionView {
  tokenHash: string;
  agentId: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  lockedAt: number | null;
}

export interface AccountRepo {
  setUserAgent(tokenHash: string, userAgent: string): Promise<void>;
  userAgent(tokenHash: string): Promise<string | null>;
  /** Locks a live session at `at` unless it is locked already; returns the lock time in force. */
  lockSession(tokenHash: string, at: number): Promise<number | null>;
  lockedAt(tokenHash: string): Promise<number | null>;
  unlockSession(tokenHash: string, now: number): Promise<void>;
  /** The agent's sessions that are neither revoked nor past their absolute expiry. */
  agentSessions(orgId: string, agentId: string, now: number): Promise<AgentSessionView[]>;
  createUnlockToken(input: {
    tokenHash: string;
    orgId: string;
    agentId: string;
    now: number;
    expiresAt: number;
  }): Promise<void>;
  /** Spends an unexpired, unused token in one statement; returns whose it was. */
  spendUnlockToken(
    tokenHash: string,
    now: number,
  ): Promise<{ orgId: string; agentId: string } | undefined>;
  deleteUnlockToken(tokenHash: string): Promise<void>;
}
