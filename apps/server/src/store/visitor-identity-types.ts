/**
 * Tables and repository contract of verified visitors (migration
 * 0015-visitor-identity). The HS256 secret and the identity details are sealed
 * by the caller (modules/visitor-identity), never stored in clear.
 */
export type VisitorIdentityMode = 'off' | 'optional' | 'required';
export type VisitorIdentityAlgorithm = 'HS256' | 'RS256' | 'ES256';

export interface OrgVisitorIdentityTable {
  org_id: string;
  mode: string;
  algorithm: string;
  secret: string | null;
  public_key: string | null;
  issuer: string;
  audience: string;
  updated_at: number;
}
export interface VisitorIdentitiesTable {
  visitor_id: string;
  org_id: string;
  subject_hash: string;
  details: string;
  verified_at: number;
}
export interface VisitorTokensTable {
  token_hash: string;
  org_id: string;
  visitor_id: string;
  created_at: number;
  expires_at: number;
}
export interface IdentityTokenUsesTable {
  org_id: string;
  jti: string;
  session_hash: string;
  expires_at: number;
}
export interface VisitorIdentityTables {
  org_visitor_identity: OrgVisitorIdentityTable;
  visitor_identities: VisitorIdentitiesTable;
  visitor_tokens: VisitorTokensTable;
  identity_token_uses: IdentityTokenUsesTable;
}

export interface OrgVisitorIdentityRow {
  orgId: string;
  mode: VisitorIdentityMode;
  algorithm: VisitorIdentityAlgorithm;
  /** Sealed. */
  secret: string | null;
  publicKey: string | null;
  issuer: string;
  audience: string;
  updatedAt: number;
}
export interface VisitorIdentityRow {
  visitorId: string;
  orgId: string;
  subjectHash: string;
  /** Sealed JSON. */
  details: string;
  verifiedAt: number;
}

export interface VisitorIdentityRepo {
  settings(orgId: string): Promise<OrgVisitorIdentityRow | undefined>;
  saveSettings(row: OrgVisitorIdentityRow): Promise<void>;
  byVisitor(orgId: string, visitorId: string): Promise<VisitorIdentityRow | undefined>;
  bySubject(orgId: string, subjectHash: string): Promise<VisitorIdentityRow | undefined>;
  /** Binds an identity to a visitor; false when the subject is already bound to another visitor. */
  bind(row: VisitorIdentityRow): Promise<boolean>;
  /** Which of these visitors are verified. */
  verifiedAmong(orgId: string, visitorIds: readonly string[]): Promise<Set<string>>;
  addToken(row: {
    tokenHash: string;
    orgId: string;
    visitorId: string;
    expiresAt: number;
  }): Promise<void>;
  /** The visitor of an extra (cross-device) token that has not expired. */
  visitorOfToken(
    tokenHash: string,
    now: number,
  ): Promise<{ orgId: string; visitorId: string } | undefined>;
  /**
   * Records that `jti` was used by the session `sessionHash`. Returns the session
   * that used it first (this one on first use): a different one means a replay.
   */
  useJti(orgId: string, jti: string, sessionHash: string, expiresAt: number): Promise<string>;
  purgeExpiredJtis(now: number): Promise<number>;
}
