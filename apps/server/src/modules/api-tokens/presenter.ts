import type { ApiToken, ApiTokenScope } from '@parley/protocol';
import type { ApiTokenRow } from '../../store';

export function presentApiToken(
  row: ApiTokenRow,
  creatorName: string | null,
  now = Date.now(),
): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as ApiTokenScope[],
    createdBy: { id: row.agentId, name: creatorName },
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    lastUsedIp: row.lastUsedIp,
    revokedAt: row.revokedAt,
    status: row.revokedAt !== null ? 'revoked' : now >= row.expiresAt ? 'expired' : 'active',
  };
}
