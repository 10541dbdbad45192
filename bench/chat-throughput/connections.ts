// bench/chat-throughput/connections.ts: how fast one node takes visitor sockets and
// what an idle one costs. The node seeds N visitors with a conversation each; the
// load generator opens N sockets (at most --concurrency handshakes at once), each
// authenticated (`auth` → `ready`) and subscribed to its conversation (`resume` →
// `resumed`), then asks the node for its memory after a full GC.
//
//   npm run bench:connections -- [--sockets 19000] [--concurrency 200]
//
// Both processes have RLIMIT_NOFILE of the machine; the hard limit here is 20,000
// and cannot be raised from inside, so the default leaves room for the node's own
// descriptors.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { withServerNodeFlags } from '../../apps/server/src/cli/node-flags';

const { values } = parseArgs({
  options: {
    sockets: { type: 'string', default: '19000' },
    concurrency: { type: 'string', default: '200' },
  },
});
const SOCKETS = Number(values.sockets);
const CONCURRENCY = Number(values.concurrency);

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

const child = spawn(
  process.execPath,
  [
    ...(process.env.PARLEY_BENCH_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PARLEY_BENCH_PROFILE}`]
      : []),
    // The V8 flags `parley start` gives its server (cli/node-flags.ts).
    ...withServerNodeFlags([], ''),
    '--expose-gc',
    '--import',
    'tsx',
    resolve(import.meta.dirname, 'target.ts'),
    'parley',
  ],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_VISITORS: String(SOCKETS) },
  },
);
const lines: string[] = [];
const waiters: ((line: string) => void)[] = [];
let pending = '';
child.stdout.on('data', (d: Buffer) => {
  pending += d.toString();
  let nl: number;
  while ((nl = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    const w = waiters.shift();
    if (w) w(line);
    else lines.push(line);
  }
});
const nextLine = (): Promise<string> =>
  lines.length > 0 ? Promise.resolve(lines.shift() ?? '') : new Promise((r) => waiters.push(r));
const memory = async (): Promise<{ memory: Memory; sockets: number }> => {
  child.kill('SIGUSR2');
  return JSON.parse(await nextLine()) as { memory: Memory; sockets: number };
};

const target = JSON.parse(await nextLine()) as { port: number; visitorsFile: string };
const visitors = JSON.parse(readFileSync(target.visitorsFile, 'utf8')) as {
  token: string;
  conversationId: string;
}[];
const origin = `http://localhost:${target.port}`;
const url = `ws://127.0.0.1:${target.port}/ws/visitor`;

// A socket the node refused or reset (under heavy load a handshake can outlast a deadline) is
// counted, not fatal: a run of 19,000 that lost one socket at 7,300 used to end with an uncaught
// ECONNRESET and leave the node running.
const refused = new Map<string, number>();
let droppedLater = 0;
const count = (why: string) => refused.set(why, (refused.get(why) ?? 0) + 1);

function connect(v: { token: string; conversationId: string }): Promise<WebSocket | undefined> {
  return new Promise((res) => {
    const ws = new WebSocket(url, { headers: { origin }, perMessageDeflate: false });
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      count(why);
      ws.terminate();
      res(undefined);
    };
    ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', token: v.token })));
    const onMessage = (d: Buffer) => {
      const f = JSON.parse(d.toString()) as { type: string; code?: string };
      if (f.type === 'ready')
        ws.send(JSON.stringify({ type: 'resume', conversationId: v.conversationId, afterSeq: 0 }));
      else if (f.type === 'resumed') {
        ws.off('message', onMessage);
        settled = true;
        res(ws);
      } else if (f.type === 'error') fail(`refused: ${f.code ?? '?'}`);
    };
    ws.on('message', onMessage);
    ws.on('error', (err: Error & { code?: string }) => fail(err.code ?? err.message));
    ws.on('close', (code) => {
      if (settled) droppedLater += 1;
      else fail(`closed ${code}`);
    });
  });
}

// The node goes with this process, however it ends.
process.on('exit', () => child.kill('SIGKILL'));

console.log(
  `connections: ${SOCKETS} visitor sockets (auth + resume each), ${CONCURRENCY} handshakes at once; ${cpus().length} cores, node ${process.version}`,
);
const before = await memory();
const sockets: WebSocket[] = [];
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: Math.min(CONCURRENCY, SOCKETS) }, async () => {
    while (next < visitors.length) {
      const v = visitors[next++];
      const ws = v ? await connect(v) : undefined;
      if (ws) sockets.push(ws);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const after = await memory();
const per = (k: keyof Memory) => (after.memory[k] - before.memory[k]) / sockets.length;
console.log(
  `established ${sockets.length} in ${seconds.toFixed(1)} s: ${(sockets.length / seconds).toFixed(0)} sockets/s; node reports ${after.sockets} live`,
);
if (refused.size > 0 || droppedLater > 0)
  console.log(
    `not established: ${[...refused].map(([why, n]) => `${n} ${why}`).join(', ') || 'none'}; closed after being established: ${droppedLater}`,
  );
console.log(
  `idle memory per socket (after a full GC): RSS ${(per('rss') / 1024).toFixed(1)} KiB, JS heap ${(per('heapUsed') / 1024).toFixed(1)} KiB, external ${(per('external') / 1024).toFixed(1)} KiB (RSS ${(before.memory.rss / 2 ** 20).toFixed(0)} → ${(after.memory.rss / 2 ** 20).toFixed(0)} MiB)`,
);
for (const ws of sockets) ws.terminate();
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
process.exit(0);
