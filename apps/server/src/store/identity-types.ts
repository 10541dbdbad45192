/**
 * Tables and repository contract of passkeys and single sign-on (migration
 * 0009-passkeys-sso). Secrets (credential public keys, the OIDC client secret,
 * the PKCE verifier) are stored sealed by the caller (modules/security/keyring.ts).
 */
import type { Tx } from './transaction';
import type { Role } from '@parley/protocol';

export interface PasskeysTable {
  id: string;
  org_id: string;
  agent_id: string;
  credential_id: string;
  public_key: string;
  counter: number;
  transports: string;
  name: string;
  backed_up: number;
  created_at: number;
  last_used_at: number | null;
}
export interface WebauthnChallengesTable {
  id: string;
  org_id: string;
  agent_id: string | null;
  purpose: string;
  challenge: string;
  expires_at: number;
  used_at: number | null;
}
export interface OrgIdentityTable {
  org_id: string;
  require_passkey_admins: number;
  sso_enabled: number;
  issuer: string | null;
  client_id: string | null;
  client_secret: string | null;
  scopes: string;
  role_claim: string | null;
  role_map: string;
  default_role: string;
  jit: number;
  mfa_amr: string;
  mfa_acr: string;
  updated_at: number;
}
export interface OidcFlowsTable {
  state: string;
  org_id: string;
  code_verifier: string;
  nonce: string;
  expires_at: number;
  used_at: number | null;
}
export interface AgentOidcTable {
  org_id: string;
  issuer: string;
  subject: string;
  agent_id: string;
}
export interface SessionIdentityTable {
  token_hash: string;
  org_id: string;
  method: string;
  passkey_at: number | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  oidc_sid: string | null;
}
export interface IdentityTables {
  passkeys: PasskeysTable;
  webauthn_challenges: WebauthnChallengesTable;
  org_identity: OrgIdentityTable;
  oidc_flows: OidcFlowsTable;
  agent_oidc: AgentOidcTable;
  session_identity: SessionIdentityTable;
}

export interface PasskeyRow {
  id: string;
  orgId: string;
  agentId: string;
  /** base64url, as WebAuthn names it. */
  credentialId: string;
  /** Sealed COSE public key. */
  publicKey: string;
  counter: number;
  transports: string[];
  name: string;
  backedUp: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface OrgIdentityRow {
  orgId: string;
  /** Admin actions need a session that proved a passkey (docs/security.md "Passkeys"). */
  requirePasskeyForAdmins: boolean;
  sso: {
    enabled: boolean;
    issuer: string | null;
    clientId: string | null;
    /** Sealed. */
    clientSecret: string | null;
    scopes: string;
    roleClaim: string | null;
    /** Claim value → role, e.g. {"parley-admins": "admin"}. */
    roleMap: Record<string, Role>;
    defaultRole: Role;
    jit: boolean;
    /** `amr` values any one of which satisfies the organisation's MFA policy; empty: never. */
    mfaAmr: string[];
    /** `acr` values that satisfy it; empty: never. */
    mfaAcr: string[];
  };
  updatedAt: number;
}

export type SessionMethod = 'password' | 'passkey' | 'oidc';

export interface SessionIdentity {
  method: SessionMethod;
  passkeyAt: number | null;
  oidcIssuer: string | null;
  oidcSubject: string | null;
  oidcSid: string | null;
}

export interface IdentityRepo {
  passkeys(orgId: string, agentId: string): Promise<PasskeyRow[]>;
  /** Installation-wide, for passwordless sign-in (credential ids are unique). */
  passkeyByCredentialId(credentialId: string): Promise<PasskeyRow | undefined>;
  addPasskey(input: Omit<PasskeyRow, 'id' | 'lastUsedAt'>): Promise<PasskeyRow>;
  /** Raises the signature counter only when it grows (clone detection); false when it did not. */
  usePasskey(id: string, counter: number, now: number): Promise<boolean>;
  removePasskey(orgId: string, agentId: string, id: string): Promise<boolean>;
  countPasskeys(orgId: string, agentId: string): Promise<number>;

  createChallenge(input: {
    orgId: string;
    agentId: string | null;
    purpose: string;
    challenge: string;
    expiresAt: number;
  }): Promise<string>;
  /** Spends a challenge once: the challenge when it was unused and unexpired, else undefined. */
  spendChallenge(
    id: string,
    purpose: string,
    now: number,
  ): Promise<{ orgId: string; agentId: string | null; challenge: string } | undefined>;

  settings(orgId: string): Promise<OrgIdentityRow>;
  saveSettings(
    orgId: string,
    patch: { requirePasskeyForAdmins?: boolean; sso?: Partial<OrgIdentityRow['sso']> },
    now: number,
    /** Written in this transaction (store.transaction). */
    tx?: Tx,
  ): Promise<OrgIdentityRow>;

  createFlow(input: {
    state: string;
    orgId: string;
    codeVerifier: string;
    nonce: string;
    expiresAt: number;
  }): Promise<void>;
  spendFlow(
    state: string,
    now: number,
  ): Promise<{ orgId: string; codeVerifier: string; nonce: string } | undefined>;

  agentBySubject(orgId: string, issuer: string, subject: string): Promise<string | undefined>;
  linkSubject(orgId: string, issuer: string, subject: string, agentId: string): Promise<void>;

  setSessionIdentity(
    orgId: string,
    tokenHash: string,
    identity: Partial<SessionIdentity>,
  ): Promise<void>;
  sessionIdentity(tokenHash: string): Promise<SessionIdentity | undefined>;
  /** Live sessions signed in through the issuer whose IdP subject or session id matches. */
  oidcSessions(
    orgId: string,
    issuer: string,
    match: { sub?: string | undefined; sid?: string | undefined },
    now: number,
  ): Promise<string[]>;
}
