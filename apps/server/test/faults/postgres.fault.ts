import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultCounters } from '../../src/lib/fault-counters';
import { createStore, type Store } from '../../src/store';
import { newVisitor, visitorSocket, type TestSocket } from '../clients';
import { startTestServer, type TestServer } from '../test-server';
import { recordFigure } from './figures';
import { TcpProxy } from './kit';
import { checkLedger, sendUntilAcked } from './ledger';

const url = process.env.DATABASE_URL;
const PROXY_PORT = 19210;

function viaProxy(raw: string): string {
  const u = new URL(raw);
  u.hostname = '127.0.0.1';
  u.port = String(PROXY_PORT);
  return u.toString();
}

describe.skipIf(!url)(
  url
    ? `fault: PostgreSQL reset, pause and blackhole through a TCP proxy on ${PROXY_PORT}`
    : 'fault: PostgreSQL reset, pause and blackhole (skipped: DATABASE_URL not set)',
  () => {
    const schema = `fault_${randomBytes(5).toString('hex')}`;
    const app = `parley-fault-${schema}`;
    let proxy: TcpProxy;
    let store: Store;
    let t: TestServer;
    let admin: pg.Client;
    let vs: TestSocket;
    let conversationId: string;

    beforeAll(async () => {
      const target = new URL(url!);
      proxy = new TcpProxy(PROXY_PORT, Number(target.port || 5432));
      await proxy.start();
      store = await createStore({
        kind: 'postgres',
        url: viaProxy(url!),
        schema,
        applicationName: app,
        timeouts: { connectMs: 1500, queryMs: 3000, statementMs: 2500, idleInTransactionMs: 5000 },
      });
      await store.migrate();
      t = await startTestServer({
        store,
        logLevel: 'warn',
        env: { PARLEY_WS_RATE_BURST: '100000', PARLEY_WS_RATE_PER_SECOND: '100000' },
      });
      admin = new pg.Client({ connectionString: url });
      await admin.connect();
      const v = await newVisitor(t.url, t.orgKey);
      conversationId = v.conversationId;
      vs = await visitorSocket(t.url, v.token);
      await vs.resume(conversationId);
    });
    afterAll(async () => {
      vs?.close();
      await t?.close();
      await store?.close().catch(() => undefined);
      await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await admin?.end();
      await proxy?.close();
    });

    it("regression (issue 18 finding 3): pg_terminate_backend of the pool's clients under load does not exit the process; sends get store_unavailable or their ack, and every ack is stored once", async () => {
      const errorsBefore = faultCounters.pgClientErrors;
      const ids = Array.from({ length: 300 }, (_, i) => `reset-${i}`);
      let done = false;
      const sending = sendUntilAcked(vs, conversationId, ids, { untilMs: 30_000 }).finally(
        () => (done = true),
      );
      // Terminate only this test's own backends — those behind its proxy, by
      // client port — again and again while the sends are in flight.
      let terminated = 0;
      for (let i = 0; i < 20 && !done; i++) {
        const r = await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE client_port = ANY($1::int[])',
          [proxy.upstreamPorts()],
        );
        terminated += r.rows.filter(
          (row: { pg_terminate_backend: boolean }) => row.pg_terminate_backend,
        ).length;
        await new Promise((res) => setTimeout(res, 25)); // spacing of the fault, not a wait for a condition
      }
      const outcome = await sending;
      expect(terminated).toBeGreaterThan(0);
      expect([...outcome.errors.keys()].filter((c) => c !== 'store_unavailable')).toEqual([]);
      expect(outcome.acks.size).toBe(ids.length);
      const checked = await checkLedger(store, t.orgId, conversationId, outcome.acks);
      recordFigure('postgres pg_terminate_backend under load', {
        backendsTerminated: terminated,
        clientErrorsContained: faultCounters.pgClientErrors - errorsBefore,
        storeUnavailableAnswers: outcome.errors.get('store_unavailable') ?? 0,
        acksChecked: checked,
      });
    });

    it('regression (issue 18 finding 3): a silent partition (blackhole) ends in store_unavailable within seconds, and the pipeline resumes by itself when the network heals', async () => {
      proxy.set('blackhole');
      const cut = Date.now();
      const during = await sendUntilAcked(vs, conversationId, ['bh-1', 'bh-2', 'bh-3'], {
        retry: false,
        answerMs: 15_000,
      });
      const firstAnswerMs = Date.now() - cut;
      expect(during.acks.size).toBe(0);
      expect(during.errors.get('store_unavailable')).toBe(3);
      expect(firstAnswerMs).toBeLessThan(12_000);

      proxy.set('pass');
      const healed = Date.now();
      const after = await sendUntilAcked(vs, conversationId, ['bh-1', 'bh-2', 'bh-3', 'bh-4'], {
        untilMs: 30_000,
      });
      const resumedMs = Date.now() - healed;
      expect(after.acks.size).toBe(4);
      const all = new Map([...after.acks]);
      await checkLedger(store, t.orgId, conversationId, all);
      recordFigure('postgres blackhole (silent partition)', {
        typedErrorAfterMs: firstAnswerMs,
        resumedAfterHealMs: resumedMs,
      });
    });

    it('a paused link (bytes held, not lost) delays sends or fails them typed, never wedges', async () => {
      proxy.set('pause');
      const ids = Array.from({ length: 20 }, (_, i) => `pause-${i}`);
      const sending = sendUntilAcked(vs, conversationId, ids, { untilMs: 30_000 });
      const paused = Date.now();
      await new Promise((r) => setTimeout(r, 2000)); // the fault's duration, not a wait for a condition
      proxy.set('pass');
      const outcome = await sending;
      expect([...outcome.errors.keys()].filter((c) => c !== 'store_unavailable')).toEqual([]);
      expect(outcome.acks.size).toBe(ids.length);
      recordFigure('postgres pause 2 s', {
        allAckedAfterMs: Date.now() - paused,
        storeUnavailableAnswers: outcome.errors.get('store_unavailable') ?? 0,
      });
    });
  },
);
