import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createStore, type StoreOptions } from '../../src/store';
import { newVisitor, visitorSocket } from '../clients';
import { recordFigure } from './figures';
import { spawnServer, waitFor, type ServerChild } from './kit';
import { CLUSTER_KEYS } from '../limits';
import { checkLedger, sendUntilAcked } from './ledger';

const databaseUrl = process.env.DATABASE_URL;
const KILLS = 2;
const RATE = { PARLEY_WS_RATE_BURST: '100000', PARLEY_WS_RATE_PER_SECOND: '100000' };

interface Dialect {
  name: 'sqlite' | 'postgres';
  port: number;
  skip?: string;
  env(dataDir: string): Record<string, string>;
  unset: string[];
  storeOptions(dataDir: string): StoreOptions;
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
}

const schema = `fault_k9_${randomBytes(5).toString('hex')}`;
const dialects: Dialect[] = [
  {
    name: 'sqlite',
    port: 19220,
    env: () => ({}),
    unset: ['DATABASE_URL', 'REDIS_URL'],
    storeOptions: (dataDir) => ({ kind: 'sqlite', file: join(dataDir, 'parley.db') }),
  },
  {
    name: 'postgres',
    port: 19221,
    ...(databaseUrl ? {} : { skip: 'DATABASE_URL not set' }),
    env: () => {
      const u = new URL(databaseUrl!);
      u.searchParams.set('options', `-c search_path=${schema}`);
      return { DATABASE_URL: u.toString() };
    },
    unset: ['REDIS_URL'],
    storeOptions: () => ({ kind: 'postgres', url: databaseUrl!, schema }),
    async setup() {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`CREATE SCHEMA "${schema}"`);
      await c.end();
    },
    async teardown() {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  },
];

for (const d of dialects) {
  describe.skipIf(d.skip !== undefined)(
    d.skip === undefined
      ? `fault: kill -9 of a server process under load (${d.name})`
      : `fault: kill -9 of a server process under load (${d.name}; skipped: ${d.skip})`,
    () => {
      it(`loses no acknowledged message across ${KILLS} kill -9s: every ack is stored once with its seq`, async () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'parley-fault-k9-'));
        await d.setup?.();
        const env = {
          ...RATE,
          ...CLUSTER_KEYS,
          ...d.env(dataDir),
          FAULT_DATA_DIR: dataDir,
          FAULT_PORT: String(d.port),
          PARLEY_LOG_LEVEL: 'warn',
        };
        let node: ServerChild | undefined = await spawnServer(env, d.unset);
        const orgKey = node.orgKey;
        const acks = new Map<string, number>();
        const restartMs: number[] = [];
        let sent = 0;
        try {
          const v = await newVisitor(node.url, orgKey);
          for (let k = 0; k < KILLS; k++) {
            const vs = await visitorSocket(node.url, v.token);
            const ids = Array.from({ length: 600 }, (_, i) => `k${k}-${i}`);
            sent += ids.length;
            for (const id of ids)
              vs.send({
                type: 'send',
                clientMsgId: id,
                conversationId: v.conversationId,
                text: `load ${id}`,
              });
            // Kill mid-stream: once some, not all, are acknowledged.
            await waitFor(
              'some acks before the kill',
              () => vs.frames.filter((f) => f.type === 'ack').length >= 100,
              30_000,
              5,
            );
            await node.kill9();
            await vs.closed;
            for (const f of vs.frames) if (f.type === 'ack') acks.set(f.clientMsgId, f.seq);
            const killed = Date.now();
            node = await spawnServer({ ...env, FAULT_ORG_KEY: orgKey }, d.unset);
            restartMs.push(Date.now() - killed);
            // The client retries what was not acknowledged, with the same ids.
            const again = await visitorSocket(node.url, v.token);
            const retried = await sendUntilAcked(
              again,
              v.conversationId,
              ids.filter((id) => !acks.has(id)),
              { untilMs: 30_000 },
            );
            expect([...retried.errors.keys()].filter((c) => c !== 'store_unavailable')).toEqual([]);
            for (const [id, seq] of retried.acks) acks.set(id, seq);
            again.close();
          }
          expect(acks.size).toBe(sent);
          await node.stop();
          node = undefined;
          const store = await createStore(d.storeOptions(dataDir));
          // Messages are sealed: the ledger reads them with the node's key-encryption key.
          store.dataKeys.useKeks([Buffer.from(CLUSTER_KEYS.PARLEY_DATA_KEY!, 'hex')]);
          try {
            const org = await store.orgs.byKey(orgKey);
            const checked = await checkLedger(store, org!.id, v.conversationId, acks);
            recordFigure(`kill -9 under load (${d.name})`, {
              kills: KILLS,
              acksChecked: checked,
              restartToReadyMs: restartMs,
            });
          } finally {
            await store.close();
          }
        } finally {
          await node?.kill9();
          await d.teardown?.().catch(() => undefined);
          rmSync(dataDir, { recursive: true, force: true });
        }
      });
    },
  );
}

describe('fault: an error that escapes every handler', () => {
  it('is logged once, then the node drains (sockets closed with 1001) and exits 70 for its supervisor to restart it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-fault-guard-'));
    const node = await spawnServer(
      { ...RATE, FAULT_DATA_DIR: dataDir, FAULT_PORT: '19222', PARLEY_LOG_LEVEL: 'warn' },
      ['DATABASE_URL', 'REDIS_URL'],
    );
    try {
      const v = await newVisitor(node.url, node.orgKey);
      const vs = await visitorSocket(node.url, v.token);
      node.child.kill('SIGUSR2');
      const code = await node.exited;
      expect(code).toBe(70);
      expect(await vs.closed).toBe(1001);
      const fatal = node.output.filter((l) => l.includes('an error escaped every handler'));
      expect(fatal).toHaveLength(1);
      expect(fatal[0]).toContain('unhandledRejection');
    } finally {
      await node.kill9();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
