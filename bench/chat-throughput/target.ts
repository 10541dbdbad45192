// The system under test, in its own process so that it does not share an event
// loop with the load generator: `parley` (the whole pipeline on SQLite) or
// `relay` (a bare ws relay with no persistence, the baseline). Prints its port.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { WebSocketServer, type WebSocket } from 'ws';
import { loadConfig } from '../../apps/server/src/config';
import { startServer } from '../../apps/server/src/main';
import { bootstrapTestOrg } from '../../apps/server/test/bootstrap';
import { GENEROUS_LIMITS } from '../../apps/server/test/limits';
import { createStore } from '../../apps/server/src/store';

const kind = process.argv[2];

if (kind === 'relay') {
  // Same framing work as Parley (parse, validate type, serialise, ack), no store.
  const peers = new Map<string, WebSocket>();
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  let seq = 0;
  wss.on('connection', (ws, req) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const me = `${url.searchParams.get('pair')}:${url.searchParams.get('role')}`;
    const peer = `${url.searchParams.get('pair')}:${url.searchParams.get('role') === 'v' ? 'a' : 'v'}`;
    peers.set(me, ws);
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as {
        type: string;
        clientMsgId: string;
        conversationId: string;
        text: string;
      };
      if (frame.type !== 'send') return;
      seq += 1;
      const out = JSON.stringify({
        type: 'message',
        conversationId: frame.conversationId,
        seq,
        text: frame.text,
      });
      ws.send(JSON.stringify({ type: 'ack', clientMsgId: frame.clientMsgId, seq }));
      ws.send(out);
      peers.get(peer)?.send(out);
    });
  });
  wss.on('listening', () => {
    const { port } = wss.address() as { port: number };
    process.stdout.write(`${JSON.stringify({ port })}\n`);
  });
} else {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  // Three-node runs (run.ts --nodes 3): every node gets the same public URL (the
  // load balancer's, conceptually) so that one origin is allowed on all of them,
  // the same PostgreSQL schema and the same Redis; only the first bootstraps.
  const joining = process.env.BENCH_JOIN === '1';
  const config = loadConfig(
    {
      ...GENEROUS_LIMITS,
      PARLEY_LOG_LEVEL: 'silent',
      PARLEY_WS_RATE_BURST: '100000',
      PARLEY_WS_RATE_PER_SECOND: '100000',
      ...(process.env.BENCH_PUBLIC_URL ? { PARLEY_PUBLIC_URL: process.env.BENCH_PUBLIC_URL } : {}),
      ...(process.env.BENCH_REDIS_URL ? { REDIS_URL: process.env.BENCH_REDIS_URL } : {}),
      ...(process.env.BENCH_CLUSTER_KEY
        ? {
            PARLEY_DATA_KEY: process.env.BENCH_CLUSTER_KEY,
            PARLEY_AUDIT_KEY: process.env.BENCH_CLUSTER_KEY,
            PARLEY_SECRETS_KEY: process.env.BENCH_CLUSTER_KEY,
          }
        : {}),
    },
    { dataDir, port: Number(process.env.BENCH_PORT ?? 0), host: '127.0.0.1' },
  );
  // `--store postgres` in run.ts: the same pipeline on PostgreSQL, in a schema
  // of its own that is dropped afterwards.
  const pgUrl = process.env.BENCH_DATABASE_URL;
  const schema = process.env.BENCH_SCHEMA ?? `bench_${randomBytes(6).toString('hex')}`;
  const store = pgUrl ? await createStore({ kind: 'postgres', url: pgUrl, schema }) : undefined;
  if (store && !joining) await store.migrate();
  const server = await startServer(config, store ? { store } : {});
  if (joining) {
    process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
  } else {
    // The benchmark measures the chat path; sign-in with MFA is not part of it.
    const { org, admin } = await bootstrapTestOrg(server.store, {
      publicOrigin: process.env.BENCH_PUBLIC_URL ?? new URL(server.url).origin,
    });
    // connections.ts: BENCH_VISITORS visitors with a conversation each, seeded in one transaction
    // (creating them over HTTP would measure session creation, not sockets); their tokens go to
    // a file in the data directory.
    const visitors = Number(process.env.BENCH_VISITORS ?? 0);
    let visitorsFile: string | undefined;
    if (visitors > 0) {
      const now = Date.now();
      const seeded: { token: string; conversationId: string }[] = [];
      await server.store.db.transaction().execute(async (tx) => {
        for (let i = 0; i < visitors; i += 200) {
          const rows = Array.from({ length: Math.min(200, visitors - i) }, () => ({
            token: randomBytes(24).toString('base64url'),
            visitorId: randomUUID(),
            conversationId: randomUUID(),
          }));
          await tx
            .insertInto('visitors')
            .values(
              rows.map((r) => ({
                id: r.visitorId,
                org_id: org.id,
                name: null,
                token_hash: createHash('sha256').update(r.token).digest('hex'),
                created_at: now,
                expires_at: now + 86_400_000,
                revoked_at: null,
              })),
            )
            .execute();
          await tx
            .insertInto('conversations')
            .values(
              rows.map((r) => ({
                id: r.conversationId,
                org_id: org.id,
                visitor_id: r.visitorId,
                status: 'waiting' as const,
                agent_id: null,
                last_seq: 0,
                created_at: now,
                updated_at: now,
                closed_at: null,
              })),
            )
            .execute();
          for (const r of rows) seeded.push({ token: r.token, conversationId: r.conversationId });
        }
      });
      visitorsFile = join(dataDir, 'bench-visitors.json');
      writeFileSync(visitorsFile, JSON.stringify(seeded));
    }
    process.stdout.write(
      `${JSON.stringify({ port: server.port, orgKey: org.key, admin, visitorsFile })}\n`,
    );
  }
  // run.ts asks for the memory figures of the idle-socket run with SIGUSR2 (after a full GC).
  process.on('SIGUSR2', () => {
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    process.stdout.write(
      `${JSON.stringify({ memory: { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers }, sockets: server.gateway.connections() })}\n`,
    );
  });
  process.on('SIGTERM', () => {
    void (async () => {
      await server.close();
      if (store && pgUrl) {
        await store.close();
        if (!joining) {
          const client = new pg.Client({ connectionString: pgUrl });
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await client.end();
        }
      }
      process.exit(0);
    })();
  });
}
