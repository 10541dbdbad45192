import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Role } from '@parley/protocol';
import { loadConfig } from '../src/config';
import { startServer, type RunningServer } from '../src/main';
import { hashPassword } from '../src/modules/auth';
import { bootstrapTestOrg, type TestOrg } from './bootstrap';
import { storeTargets } from './store-fixtures';
import { CLUSTER_KEYS } from './limits';

/** PostgreSQL when configured (as in production), else two nodes on one SQLite file. */
export const clusterTarget =
  storeTargets().find((t) => t.name === 'postgres' && t.skipReason === undefined) ??
  storeTargets()[0]!;

export interface Cluster {
  a: RunningServer;
  b: RunningServer;
  org: TestOrg['org'];
  admin: TestOrg['admin'];
  /** An agent of the organisation with a password, in the shared store. */
  createAgent(role?: Role): Promise<{ id: string; email: string; password: string }>;
  close(): Promise<void>;
}

/** Two server nodes on their own stores of one database and one Redis, serving one organisation. */
export async function twoNodes(
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<Cluster> {
  const [storeA, storeB] = await clusterTarget.createNodes(2);
  // The cluster's own Redis keys: tests share the machine's Redis, and a rate limit per address
  // (127.0.0.1 for every test) must not be counted across clusters.
  const redisPrefix = `parley-test-${randomUUID()}:`;
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  const node = (store: typeof storeA) =>
    startServer(
      loadConfig(
        {
          ...CLUSTER_KEYS,
          REDIS_URL: redisUrl,
          PARLEY_REDIS_PREFIX: redisPrefix,
          PARLEY_LOG_LEVEL: 'warn',
          ...env,
        },
        { dataDir: mkdtempSync(join(tmpdir(), 'parley-node-')), port: 0 },
      ),
      { store: store!, logDestination: quiet },
    );
  const a = await node(storeA);
  const b = await node(storeB);
  const close = async () => {
    await a.close();
    await b.close();
    await storeA!.close();
    await storeB!.close();
  };
  try {
    const { org, admin } = await bootstrapTestOrg(a.store, { publicOrigin: new URL(a.url).origin });
    await a.store.orgs.update(org.id, {
      allowedOrigins: [...org.allowedOrigins, new URL(b.url).origin],
    });
    let n = 0;
    return {
      a,
      b,
      org,
      admin,
      async createAgent(role: Role = 'agent') {
        n += 1;
        const email = `cluster-${n}-${Math.random().toString(36).slice(2)}@parley.test`;
        const password = `correct horse battery ${n}`;
        const row = await a.store.agents.create({
          orgId: org.id,
          email,
          name: `${role} ${n}`,
          role,
          passwordHash: await hashPassword(password),
        });
        return { id: row.id, email, password };
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
