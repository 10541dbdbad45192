// bench/chat-throughput: N visitor/agent socket pairs exchange messages through
// Parley's whole pipeline (validate, mask, group commit to SQLite, fan out) and,
// in the same run, through a bare ws relay with no persistence. Prints messages
// per second and end-to-end latency (send → the peer receives it) for each.
//
//   npm run bench:chat -- [--pairs 50] [--messages 300] [--window 8] [--store sqlite|postgres]
//     [--rounds 3]        relay and Parley alternate this many times (the machine is shared:
//                         compare each Parley run with the relay run next to it)
//     [--rate N]          paced load: N messages/s in all instead of a window (latency at a load)
//     [--nodes 3]         three Parley processes on PostgreSQL and Redis, each pair's visitor and
//                         agent on different nodes (fan-out across nodes)
// The server's CPU time per delivered message (all its threads, /proc) is printed beside the
// rate: unlike the rate it hardly depends on what else the machine is running.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { withServerNodeFlags } from '../../apps/server/src/cli/node-flags';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '50' },
    messages: { type: 'string', default: '300' },
    window: { type: 'string', default: '8' },
    store: { type: 'string', default: 'sqlite' },
    rounds: { type: 'string', default: '1' },
    rate: { type: 'string' },
    nodes: { type: 'string', default: '1' },
  },
});
const ROUNDS = Number(values.rounds);
const RATE = values.rate === undefined ? undefined : Number(values.rate);
const NODES = Number(values.nodes);
if (NODES !== 1 && NODES !== 3) throw new Error('--nodes is 1 or 3');
if (NODES === 3 && values.store !== 'postgres') throw new Error('--nodes 3 needs --store postgres');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Fixed ports of the bench range (19400–19449) for the three nodes: one public URL for all.
const NODE_PORTS = [19401, 19402, 19403];
const PAIRS = Number(values.pairs);
const MESSAGES = Number(values.messages); // per socket
const WINDOW = Number(values.window); // unacknowledged sends per socket
const STORE = values.store;
if (STORE !== 'sqlite' && STORE !== 'postgres') throw new Error('--store is sqlite or postgres');
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Target {
  port: number;
  orgKey?: string;
  admin?: { email: string; password: string };
}

function launch(
  kind: 'parley' | 'relay',
  extraEnv: Record<string, string> = {},
): Promise<{ child: ChildProcess; target: Target }> {
  // PARLEY_BENCH_PROFILE=DIR writes a V8 CPU profile of the Parley process there.
  // Both systems run with the V8 flags `parley start` gives its server (cli/node-flags.ts);
  // PARLEY_BENCH_NODE_FLAGS="--max-semi-space-size=16" replaces them for Parley (to compare).
  const prof = [
    ...(kind === 'parley' && process.env.PARLEY_BENCH_NODE_FLAGS !== undefined
      ? []
      : withServerNodeFlags([], '')),
    ...(kind === 'parley' && process.env.PARLEY_BENCH_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PARLEY_BENCH_PROFILE}`]
      : []),
    ...(kind === 'parley'
      ? (process.env.PARLEY_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)
      : []),
  ];
  const child = spawn(
    process.execPath,
    [...prof, '--import', 'tsx', resolve(import.meta.dirname, 'target.ts'), kind],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        ...(STORE === 'postgres' ? { BENCH_DATABASE_URL: PG_URL } : {}),
        ...extraEnv,
      },
    },
  );
  return new Promise((res, rej) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line) res({ child, target: JSON.parse(line) as Target });
    });
    child.once('exit', (code) => rej(new Error(`${kind} exited with ${code}`)));
  });
}

// Frames that arrive before a test waits for them (a `ready` can come in the same
// TCP segment as the upgrade response) are kept here, per socket.
const early = new WeakMap<WebSocket, Record<string, unknown>[]>();
const collectors = new WeakMap<WebSocket, (d: Buffer) => void>();

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((res, rej) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    const buffer: Record<string, unknown>[] = [];
    early.set(ws, buffer);
    const collect = (d: Buffer) => buffer.push(JSON.parse(d.toString()) as Record<string, unknown>);
    ws.on('close', (code) => {
      if (code !== 1000 && code !== 1005) console.error(`socket closed with ${code}`);
    });
    ws.on('message', collect);
    collectors.set(ws, collect);
    ws.once('open', () => res(ws));
    ws.once('error', rej);
  });
}

function next(ws: WebSocket, type: string): Promise<Record<string, unknown>> {
  const buffer = early.get(ws) ?? [];
  const i = buffer.findIndex((f) => f.type === type);
  if (i >= 0) return Promise.resolve(buffer.splice(0, i + 1)[i]!);
  return new Promise((res) => {
    const on = (d: Buffer) => {
      const f = JSON.parse(d.toString()) as Record<string, unknown>;
      if (f.type === 'error')
        console.error(`setup: waiting for ${type}, got error ${String(f.code)}`);
      if (f.type === type) {
        ws.off('message', on);
        buffer.length = 0;
        res(f);
      }
    };
    ws.on('message', on);
  });
}

interface Pair {
  visitor: WebSocket;
  agent: WebSocket;
  conversationId: string;
}

async function parleyPairs(
  t: Target,
  nodes: Target[] = [t],
  origin = `http://localhost:${t.port}`,
): Promise<Pair[]> {
  const base = `http://127.0.0.1:${t.port}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(t.admin),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const pairs: Pair[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const s = (await (
      await fetch(`${base}/api/visitor/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orgKey: t.orgKey }),
      })
    ).json()) as { token: string };
    const conv = (await (
      await fetch(`${base}/api/visitor/conversations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
        body: '{}',
      })
    ).json()) as { id: string };
    await fetch(`${base}/api/conversations/${conv.id}/accept`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, origin },
    });
    // With three nodes the visitor and the agent of a pair are on different nodes.
    const vNode = nodes[i % nodes.length] ?? t;
    const aNode = nodes[(i + 1) % nodes.length] ?? t;
    const visitor = await open(`ws://127.0.0.1:${vNode.port}/ws/visitor`, { origin });
    visitor.send(JSON.stringify({ type: 'auth', token: s.token }));
    await next(visitor, 'ready');
    const agent = await open(`ws://127.0.0.1:${aNode.port}/ws/agent`, { origin, cookie });
    await next(agent, 'ready');
    for (const ws of [visitor, agent]) {
      ws.send(JSON.stringify({ type: 'resume', conversationId: conv.id, afterSeq: 0 }));
      await next(ws, 'resumed');
    }
    pairs.push({ visitor, agent, conversationId: conv.id });
  }
  return pairs;
}

async function relayPairs(t: Target): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const visitor = await open(`ws://127.0.0.1:${t.port}/?pair=${i}&role=v`);
    const agent = await open(`ws://127.0.0.1:${t.port}/?pair=${i}&role=a`);
    pairs.push({ visitor, agent, conversationId: `c${i}` });
  }
  return pairs;
}

/** A number written in letters (a → 0 … j → 9). */
const letters = (n: number): string =>
  String(n).replace(/\d/g, (d) => 'abcdefghij'[Number(d)] ?? '');

const TEXTS = [
  'Hi, my order has not arrived yet',
  'Could you check the tracking for me please?',
  'Sure, one moment while I look that up',
  'It shows out for delivery today before 6pm',
  'Great, thanks a lot for the help!',
];

/** Each socket sends MESSAGES with at most WINDOW unacknowledged; latency is send → peer's message frame. */
async function drive(
  pairs: Pair[],
): Promise<{ seconds: number; delivered: number; latencies: number[] }> {
  const sentAt = new Map<string, bigint>();
  const latencies: number[] = [];
  let delivered = 0;
  const total = pairs.length * 2 * MESSAGES;
  const started = process.hrtime.bigint();
  // A run that stops making progress says where it stands instead of hanging silently.
  let acks = 0;
  let lastProgress = -1;
  const watchdog = setInterval(() => {
    if (acks + delivered === lastProgress)
      console.error(`stalled: ${acks} acks and ${delivered} deliveries of ${total} each`);
    lastProgress = acks + delivered;
  }, 10_000);
  await Promise.all(
    pairs.flatMap((p, pi) =>
      (['visitor', 'agent'] as const).map(
        (role) =>
          new Promise<void>((done) => {
            const me = p[role];
            // Setup is over: stop buffering frames for `next`.
            const collect = collectors.get(me);
            if (collect) me.off('message', collect);
            const peerRole = role === 'visitor' ? 'agent' : 'visitor';
            let sent = 0;
            let acked = 0;
            let received = 0;
            const sendOne = () => {
              // Ids in letters: a bare number in a message is held as a possible piece of a card,
              // and the benchmark reads the id back from the delivered text.
              const id = `${role[0]}${letters(pi)}x${letters(sent)}`;
              sent += 1;
              sentAt.set(id, process.hrtime.bigint());
              me.send(
                JSON.stringify({
                  type: 'send',
                  clientMsgId: id,
                  conversationId: p.conversationId,
                  text: `${TEXTS[sent % TEXTS.length]} ref ${id}`,
                }),
              );
            };
            const finish = () => {
              if (acked === MESSAGES && received === MESSAGES) done();
            };
            me.on('message', (d: Buffer) => {
              const f = JSON.parse(d.toString()) as { type: string; text?: string };
              if (f.type === 'ack') {
                acked += 1;
                acks += 1;
                if (RATE === undefined && sent < MESSAGES) sendOne();
                finish();
              } else if (f.type === 'message' && f.text) {
                const id = f.text.slice(f.text.lastIndexOf(' ') + 1);
                if (id[0] === peerRole[0]) {
                  const t0 = sentAt.get(id);
                  if (t0 !== undefined) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
                  received += 1;
                  delivered += 1;
                  finish();
                }
              }
            });
            if (RATE === undefined) {
              for (let i = 0; i < Math.min(WINDOW, MESSAGES); i++) sendOne();
            } else {
              // Paced: every socket sends at RATE / sockets, the sockets' phases spread out.
              const every = (pairs.length * 2 * 1000) / RATE;
              const offset = ((pi * 2 + (role === 'visitor' ? 0 : 1)) / (pairs.length * 2)) * every;
              const startAt = performance.now() + offset;
              const tick = () => {
                if (sent >= MESSAGES) return;
                sendOne();
                const due = startAt + sent * every;
                setTimeout(tick, Math.max(0, due - performance.now()));
              };
              setTimeout(tick, offset);
            }
          }),
      ),
    ),
  );
  clearInterval(watchdog);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (delivered !== total) throw new Error(`delivered ${delivered} of ${total}`);
  return { seconds, delivered, latencies };
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** CPU seconds (user + system, every thread) a process has used so far. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of proc(5) (utime, stime), here 0-based after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Sum and count of a histogram in the node's /metrics (loopback needs no token). */
async function histogram(port: number, name: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const read = (suffix: string) =>
    Number(new RegExp(`^${name}_${suffix}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { sum: read('sum'), count: read('count') };
}

/** Messages per group commit during the run (the store's transactions, all nodes). */
async function batches(ports: number[]): Promise<{ sum: number; count: number }> {
  const all = await Promise.all(ports.map((p) => histogram(p, 'parley_store_commit_batch_size')));
  return all.reduce((a, b) => ({ sum: a.sum + b.sum, count: a.count + b.count }), {
    sum: 0,
    count: 0,
  });
}

async function measure(kind: 'parley' | 'relay') {
  const children: ChildProcess[] = [];
  try {
    let pairs: Pair[];
    let ports: number[] = [];
    if (kind === 'parley' && NODES === 3) {
      const schema = `bench_${randomBytes(6).toString('hex')}`;
      const common = {
        BENCH_SCHEMA: schema,
        BENCH_REDIS_URL: REDIS_URL,
        // One cluster: every node has the same data, audit and secrets keys.
        BENCH_CLUSTER_KEY: randomBytes(32).toString('hex'),
        BENCH_PUBLIC_URL: `http://localhost:${NODE_PORTS[0]}`,
      };
      const first = await launch('parley', { ...common, BENCH_PORT: String(NODE_PORTS[0]) });
      children.push(first.child);
      const targets = [first.target];
      for (const port of NODE_PORTS.slice(1)) {
        const node = await launch('parley', {
          ...common,
          BENCH_PORT: String(port),
          BENCH_JOIN: '1',
        });
        children.push(node.child);
        targets.push(node.target);
      }
      pairs = await parleyPairs(first.target, targets, common.BENCH_PUBLIC_URL);
      ports = targets.map((t) => t.port);
    } else {
      const { child, target } = await launch(kind);
      children.push(child);
      pairs = kind === 'parley' ? await parleyPairs(target) : await relayPairs(target);
      if (kind === 'parley') ports = [target.port];
    }
    const commits0 = await batches(ports);
    const cpu0 = children.reduce((sum, c) => sum + cpuSeconds(c.pid), 0);
    const r = await drive(pairs);
    const cpu = children.reduce((sum, c) => sum + cpuSeconds(c.pid), 0) - cpu0;
    const commits1 = await batches(ports);
    const commits = commits1.count - commits0.count;
    for (const p of pairs) {
      p.visitor.close();
      p.agent.close();
    }
    const sorted = [...r.latencies].sort((a, b) => a - b);
    return {
      kind,
      rate: r.delivered / r.seconds,
      p50: pct(sorted, 50),
      p99: pct(sorted, 99),
      delivered: r.delivered,
      seconds: r.seconds,
      cpuPerMessageUs: (cpu / r.delivered) * 1e6,
      commits,
      perCommit: commits > 0 ? (commits1.sum - commits0.sum) / commits : undefined,
    };
  } finally {
    await Promise.all(
      children.map((child) => {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        return exited;
      }),
    );
  }
}

console.log(
  `chat-throughput (${STORE}${NODES === 3 ? ', 3 nodes, Redis' : ''}): ${PAIRS} pairs × 2 sockets × ${MESSAGES} messages, ${RATE === undefined ? `window ${WINDOW}` : `paced at ${RATE} msg/s`}; ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}`,
);
const show = (r: Awaited<ReturnType<typeof measure>>) =>
  console.log(
    `${r.kind.padEnd(7)} ${r.rate.toFixed(0).padStart(7)} msg/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  server CPU ${r.cpuPerMessageUs.toFixed(0)} µs/msg  (${r.delivered} delivered in ${r.seconds.toFixed(2)} s)${r.perCommit === undefined ? '' : `; ${r.commits} commits, ${r.perCommit.toFixed(1)} messages each`}`,
  );
const ratios: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  const relay = await measure('relay');
  show(relay);
  const parley = await measure('parley');
  show(parley);
  ratios.push(parley.rate / relay.rate);
  console.log(
    `ratio   parley/relay throughput ${(parley.rate / relay.rate).toFixed(2)}; p50 latency ×${(parley.p50 / relay.p50).toFixed(1)}; CPU per message ×${(parley.cpuPerMessageUs / relay.cpuPerMessageUs).toFixed(1)}  (round ${round} of ${ROUNDS})`,
  );
}
if (ROUNDS > 1)
  console.log(
    `ratios  ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} over ${ROUNDS} rounds`,
  );
process.exit(0);
