import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { toAgent, toSession } from '../mappers';
import type { AgentRow, Database, Store } from '../types';

const agentColumns = [
  'id',
  'org_id',
  'email',
  'name',
  'role',
  'password_hash',
  'active',
  'created_at',
] as const;
const sessionColumns = [
  'token_hash',
  'agent_id',
  'org_id',
  'csrf_token',
  'created_at',
  'last_seen_at',
  'expires_at',
  'revoked_at',
  'locked_at',
] as const;

export function agentsRepo(db: Kysely<Database>): Store['agents'] {
  return {
    async create(input) {
      const row = {
        id: randomUUID(),
        org_id: input.orgId,
        email: input.email.trim().toLowerCase(),
        name: input.name,
        role: input.role,
        password_hash: input.passwordHash,
        active: 1,
        created_at: Date.now(),
      };
      await db.insertInto('agents').values(row).execute();
      return toAgent(row);
    },
    async byEmail(email) {
      const row = await db
        .selectFrom('agents')
        .select(agentColumns)
        .where('email', '=', email.trim().toLowerCase())
        .executeTakeFirst();
      return row && toAgent(row);
    },
    async byId(orgId, id) {
      const row = await db
        .selectFrom('agents')
        .select(agentColumns)
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toAgent(row);
    },
    async update(orgId, id, patch) {
      const set: {
        name?: string;
        role?: AgentRow['role'];
        active?: number;
        password_hash?: string;
      } = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.role !== undefined) set.role = patch.role;
      if (patch.active !== undefined) set.active = patch.active ? 1 : 0;
      if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
      if (Object.keys(set).length > 0)
        await db
          .updateTable('agents')
          .set(set)
          .where('org_id', '=', orgId)
          .where('id', '=', id)
          .execute();
      const row = await db
        .selectFrom('agents')
        .select(agentColumns)
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toAgent(row);
    },
    async list(orgId) {
      const rows = await db
        .selectFrom('agents')
        .select(agentColumns)
        .where('org_id', '=', orgId)
        .orderBy('name')
        .orderBy('id')
        .execute();
      return rows.map(toAgent);
    },
  };
}

export function sessionsRepo(db: Kysely<Database>): Store['sessions'] {
  return {
    async create(input) {
      const row = {
        token_hash: input.tokenHash,
        agent_id: input.agentId,
        org_id: input.orgId,
        csrf_token: input.csrfToken,
        created_at: input.createdAt,
        last_seen_at: input.createdAt,
        expires_at: input.expiresAt,
        revoked_at: null,
        ip: null,
        locked_at: null,
      };
      await db.insertInto('agent_sessions').values(row).execute();
      return toSession(row);
    },
    async byTokenHash(tokenHash) {
      const row = await db
        .selectFrom('agent_sessions')
        .select(sessionColumns)
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row && toSession(row);
    },
    async touch(tokenHash, now) {
      await db
        .updateTable('agent_sessions')
        .set({ last_seen_at: now })
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .execute();
    },
    async revoke(tokenHash, now) {
      // The first revocation time is kept: it is what an audit would ask for.
      await db
        .updateTable('agent_sessions')
        .set({ revoked_at: now })
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .execute();
    },
  };
}
