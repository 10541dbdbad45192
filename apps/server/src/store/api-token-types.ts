import type { Insertable, Selectable } from 'kysely';

/** Scoped REST API tokens (0036-api-tokens). */
export interface ApiTokensTable {
  id: string;
  org_id: string;
  /** The admin who created it: the token acts with this agent's identity, never beyond its role. */
  agent_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  /** JSON array of permission names. */
  scopes: string;
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
  last_used_ip: string | null;
  revoked_at: number | null;
  revoked_by: string | null;
}

export interface ApiTokenTables {
  api_tokens: ApiTokensTable;
}

export type NewApiToken = Insertable<ApiTokensTable>;

export interface ApiTokenRow {
  id: string;
  orgId: string;
  agentId: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number | null;
  lastUsedIp: string | null;
  revokedAt: number | null;
  revokedBy: string | null;
}

export type ApiTokenSelectable = Selectable<ApiTokensTable>;

export interface ApiTokenRepo {
  create(row: NewApiToken): Promise<ApiTokenRow>;
  byHash(tokenHash: string): Promise<ApiTokenRow | undefined>;
  /** The organisation's tokens, newest first (revoked ones included: the list is their history). */
  list(orgId: string): Promise<ApiTokenRow[]>;
  /** Revokes a live token of the organisation; false when there is none (a miss or another organisation's). */
  revoke(orgId: string, id: string, by: string, now: number): Promise<boolean>;
  /** Records a use at most once a minute per token (reads happen on every request). */
  touch(id: string, now: number, ip: string): Promise<void>;
}
