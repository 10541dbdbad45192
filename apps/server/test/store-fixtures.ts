import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Role } from '@parley/protocol';
import { createStore } from '../src/store';
import type { AgentRow, ConversationRow, Organisation, Store, VisitorRow } from '../src/store';

export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  /** Set when this target cannot run here; tests should skip and say why. */
  skipReason?: string;
  /** A store on a fresh database (migrated unless told not to); close() deletes the database. */
  create(options?: { migrate?: boolean }): Promise<Store>;
  /**
   * `count` stores on ONE fresh database, each with its own connection(s), as
   * separate server nodes would have. The database is deleted when the last closes.
   */
  createNodes(count: number, options?: { migrate?: boolean }): Promise<Store[]>;
}

/** SQLite always; PostgreSQL when DATABASE_URL is set (else listed with a skipReason). */
export function storeTargets(): StoreTarget[] {
  const url = process.env.DATABASE_URL;
  return [
    target('sqlite', sqliteDatabase),
    url
      ? target('postgres', () => postgresDatabase(url))
      : {
          ...target('postgres', () => Promise.reject(new Error('DATABASE_URL not set'))),
          skipReason: 'DATABASE_URL not set',
        },
  ];
}

/** Suite title that names the dialect, and says why when it is skipped. */
export function suiteName(t: StoreTarget, what = 'store'): string {
  return `${what} on ${t.name}${t.skipReason !== undefined ? ` (skipped: ${t.skipReason})` : ''}`;
}

interface TestDatabase {
  open(): Promise<Store>;
  dispose(): Promise<void>;
}

function target(name: StoreTarget['name'], database: () => Promise<TestDatabase>): StoreTarget {
  const createNodes = async (count: number, options?: { migrate?: boolean }) => {
    const db = await database();
    const stores: Store[] = [];
    // Every node of one database shares its key-encryption key, as a cluster's nodes do.
    const kek = randomBytes(32);
    for (let i = 0; i < count; i++) {
      const store = await db.open();
      store.dataKeys.useKeks([kek]);
      stores.push(store);
    }
    if (options?.migrate !== false) for (const s of stores) await s.migrate();
    let open = stores.length;
    // close() of the last node also deletes the database, so a test needs only
    // to close what it opened.
    return stores.map((s) => {
      let closed: Promise<void> | undefined;
      const close = () =>
        (closed ??= s.close().then(async () => {
          open -= 1;
          if (open === 0) await db.dispose();
        }));
      return { ...s, close };
    });
  };
  return {
    name,
    createNodes,
    async create(options) {
      const [store] = await createNodes(1, options);
      if (!store) throw new Error('no store created');
      return store;
    },
  };
}

async function sqliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
  const file = join(dir, 'chat.db');
  return {
    open: () => createStore({ kind: 'sqlite', file }),
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresDatabase(url: string): Promise<TestDatabase> {
  // Test files run in parallel: each database is its own schema.
  const schema = `t_${randomBytes(6).toString('hex')}`;
  return {
    open: () => createStore({ kind: 'postgres', url, schema }),
    async dispose() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

// ---- factories ---------------------------------------------------------------

export function seedOrg(store: Store, name = 'Acme'): Promise<Organisation> {
  return store.orgs.create({ name, allowedOrigins: ['https://shop.example'] });
}

export function seedAgent(
  store: Store,
  orgId: string,
  role: Role = 'agent',
  name = 'Ada Agent',
): Promise<AgentRow> {
  return store.agents.create({
    orgId,
    email: `agent-${randomUUID()}@example.test`,
    name,
    role,
    passwordHash: 'not-a-real-hash',
  });
}

export function seedVisitor(
  store: Store,
  orgId: string,
  name: string | null = 'Val Visitor',
): Promise<VisitorRow> {
  return store.visitors.create({
    orgId,
    name,
    tokenHash: randomBytes(32).toString('hex'),
    expiresAt: Date.now() + 86_400_000,
  });
}

/** An organisation (unless given), a visitor and a waiting conversation. */
export async function seedConversation(
  store: Store,
  orgId?: string,
): Promise<{ orgId: string; visitor: VisitorRow; conversation: ConversationRow }> {
  const org = orgId ?? (await seedOrg(store)).id;
  const visitor = await seedVisitor(store, org);
  const conversation = await store.conversations.create({ orgId: org, visitorId: visitor.id });
  return { orgId: org, visitor, conversation };
}
