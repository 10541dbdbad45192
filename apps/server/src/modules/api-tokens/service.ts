import { randomUUID } from 'node:crypto';
import { ParleyError, type ApiTokenCreateRequest } from '@parley/protocol';
import type { ApiTokenRow, Store } from '../../store';
import { randomToken, sha256Hex } from '../../lib/tokens';
import { audit } from '../audit';
import { ROLE_PERMISSIONS, type AgentContext, type Permission } from '../auth';
import { mayManageTokens } from './policy';

/** Every token starts so; a secret scanner (and a person) can tell one at a glance. */
export const TOKEN_PREFIX = 'pt_';
const SHOWN_CHARS = 10;
const DAY_MS = 86_400_000;

export type ApiTokenService = ReturnType<typeof createApiTokenService>;

/**
 * Scoped API tokens (issue 17 item 4, docs/api.md). A token acts as the admin
 * who created it, limited to its scopes: `can` grants only what is in both the
 * scopes and the agent's current role, so demoting or deactivating the agent
 * narrows or ends the token at once. Only the SHA-256 of a token is stored.
 */
export function createApiTokenService(deps: { store: Store; now?: () => number }) {
  const { store } = deps;
  const now = deps.now ?? Date.now;

  const guard = (ctx: AgentContext) => {
    if (!mayManageTokens(ctx)) throw new ParleyError('forbidden');
  };

  return {
    async create(
      ctx: AgentContext,
      input: ApiTokenCreateRequest,
      ip: string,
    ): Promise<{ row: ApiTokenRow; secret: string }> {
      guard(ctx);
      const role = ROLE_PERMISSIONS[ctx.agent.role];
      if (!input.scopes.every((s) => role.has(s)))
        throw new ParleyError('api_token_scope_not_in_role');
      const secret = `${TOKEN_PREFIX}${randomToken(32)}`;
      const at = now();
      const row = await store.apiTokens.create({
        id: randomUUID(),
        org_id: ctx.agent.orgId,
        agent_id: ctx.agent.id,
        name: input.name,
        token_hash: sha256Hex(secret),
        prefix: secret.slice(0, SHOWN_CHARS),
        scopes: JSON.stringify([...input.scopes].sort()),
        created_at: at,
        expires_at: at + input.expiresInDays * DAY_MS,
        last_used_at: null,
        last_used_ip: null,
        revoked_at: null,
        revoked_by: null,
      });
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: { kind: 'agent', id: ctx.agent.id },
        action: 'api_token.create',
        outcome: 'success',
        ip,
        resource: { type: 'api_token', id: row.id },
        detail: { scopes: row.scopes.join(' '), expiresAt: row.expiresAt },
      });
      return { row, secret };
    },

    async list(ctx: AgentContext): Promise<ApiTokenRow[]> {
      guard(ctx);
      return store.apiTokens.list(ctx.agent.orgId);
    },

    async revoke(ctx: AgentContext, id: string, ip: string): Promise<void> {
      guard(ctx);
      // Another organisation's token answers exactly like a miss.
      if (!(await store.apiTokens.revoke(ctx.agent.orgId, id, ctx.agent.id, now())))
        throw new ParleyError('not_found');
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: { kind: 'agent', id: ctx.agent.id },
        action: 'api_token.revoke',
        outcome: 'success',
        ip,
        resource: { type: 'api_token', id },
      });
    },

    /**
     * The agent context a bearer token stands for, or undefined when it is not
     * a live token of an active agent. Used by the one admission only.
     */
    async authenticate(
      secret: string,
      ip: string,
    ): Promise<(AgentContext & { apiToken: { id: string } }) | undefined> {
      if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 128) return undefined;
      const row = await store.apiTokens.byHash(sha256Hex(secret));
      const at = now();
      if (!row || row.revokedAt !== null || at >= row.expiresAt) return undefined;
      const agent = await store.agents.byId(row.orgId, row.agentId);
      if (!agent?.active) return undefined;
      const organisation = await store.orgs.byId(agent.orgId);
      if (!organisation) return undefined;
      await store.apiTokens.touch(row.id, at, ip);
      return {
        actor: {
          kind: 'agent',
          agentId: agent.id,
          orgId: agent.orgId,
          role: agent.role,
          scopes: new Set(row.scopes as Permission[]),
        },
        agent,
        organisation,
        // No console session stands behind a token; this one only carries its identity and expiry.
        session: {
          tokenHash: `api_token:${row.id}`,
          agentId: agent.id,
          orgId: agent.orgId,
          csrfToken: '',
          createdAt: row.createdAt,
          lastSeenAt: at,
          expiresAt: row.expiresAt,
          revokedAt: null,
          lockedAt: null,
        },
        stage: 'ok',
        idleMinutes: 0,
        locked: false,
        apiToken: { id: row.id },
      };
    },
  };
}
