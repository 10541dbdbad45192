// Two in-process server nodes on one store and one bus, for faults of the bus
// and the store between them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CLUSTER_KEYS, GENEROUS_LIMITS } from '../limits';
import { loadConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/main';
import type { Store } from '../../src/store';
import { bootstrapTestOrg, type TestOrg } from '../bootstrap';

export interface Nodes extends TestOrg {
  nodes: RunningServer[];
  logs: string[];
  close(): Promise<void>;
}

/** Starts one node per store, all on `env` (e.g. REDIS_URL), and one organisation every node serves. */
export async function startNodes(stores: Store[], env: Record<string, string>): Promise<Nodes> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const dirs: string[] = [];
  const nodes: RunningServer[] = [];
  for (const store of stores) {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-fault-node-'));
    dirs.push(dataDir);
    nodes.push(
      await startServer(
        loadConfig(
          { ...GENEROUS_LIMITS, ...CLUSTER_KEYS, PARLEY_LOG_LEVEL: 'info', ...env },
          { dataDir, port: 0, host: '127.0.0.1' },
        ),
        { store, logDestination: sink },
      ),
    );
  }
  const first = nodes[0]!;
  const boot = await bootstrapTestOrg(first.store, { publicOrigin: new URL(first.url).origin });
  await first.store.orgs.update(boot.org.id, {
    allowedOrigins: [...boot.org.allowedOrigins, ...nodes.map((n) => new URL(n.url).origin)],
  });
  return {
    ...boot,
    nodes,
    logs,
    async close() {
      for (const n of nodes) await n.close().catch(() => undefined);
      for (const s of stores) await s.close().catch(() => undefined);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
