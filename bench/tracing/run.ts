// Tracing benchmark (bench/README.md "Tracing"): the hot path's cost of OpenTelemetry traces
// (issue 17 item 2). One in-process server with tracing off and one exporting to an OTLP/HTTP
// receiver on loopback (it reads and drops the posts) take turns: a visitor sends --messages
// messages over its socket, --window in flight, while an agent's socket receives each. Prints
// messages per second, ack latency (p50/p99) and this process's CPU time per message, per turn,
// and the ratio on/off of the medians. Same process, same machine, same run.
//   node bin/run-ts.mjs bench/tracing/run.ts [--messages 2000] [--window 8] [--rounds 3]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { AgentClient, newVisitor, visitorSocket } from '../../apps/server/test/clients';
import { startTestServer } from '../../apps/server/test/test-server';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    window: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
  },
});
const M = Number(values.messages);
const WINDOW = Number(values.window);
const ROUNDS = Number(values.rounds);

let exported = 0;
const receiver = createServer((req, res) => {
  req.on('data', (c: Buffer) => (exported += c.length));
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)]!;

async function turn(tracing: boolean) {
  const t = await startTestServer({
    logLevel: 'warn',
    env: tracing ? { PARLEY_OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } : {},
  });
  try {
    const agent = new AgentClient(t.url);
    await agent.login(t.admin.email, t.admin.password);
    const v = await newVisitor(t.url, t.orgKey);
    await agent.request('POST', `/api/conversations/${v.conversationId}/accept`);
    const as = await agent.socket();
    await as.next('ready');
    await as.resume(v.conversationId);
    const vs = await visitorSocket(t.url, v.token);
    await vs.resume(v.conversationId);
    const sentAt = new Map<string, number>();
    const lat: number[] = [];
    let next = 0;
    let acked = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise<void>((done) => {
      const send = () => {
        const id = `m-${next++}`;
        sentAt.set(id, performance.now());
        vs.send({
          type: 'send',
          clientMsgId: id,
          conversationId: v.conversationId,
          text: `order ${next} is late, card ends 4242`,
        });
      };
      vs.ws.on('message', (data: Buffer) => {
        const f = JSON.parse(data.toString()) as { type: string; clientMsgId?: string };
        if (f.type !== 'ack' || !f.clientMsgId) return;
        lat.push(performance.now() - sentAt.get(f.clientMsgId)!);
        acked += 1;
        if (acked === M) done();
        else if (next < M) send();
      });
      for (let i = 0; i < WINDOW && next < M; i++) send();
    });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    vs.close();
    as.close();
    return {
      rate: (M / ms) * 1000,
      p50: q(lat, 0.5),
      p99: q(lat, 0.99),
      cpuUsPerMsg: (cpu.user + cpu.system) / M,
    };
  } finally {
    await t.close();
  }
}

const runs: Record<'off' | 'on', Awaited<ReturnType<typeof turn>>[]> = { off: [], on: [] };
for (let r = 0; r < ROUNDS; r++)
  for (const mode of ['off', 'on'] as const) {
    const x = await turn(mode === 'on');
    runs[mode].push(x);
    console.log(
      `round ${r + 1} tracing ${mode.padEnd(3)}  ${x.rate.toFixed(0).padStart(6)} msg/s  ack p50 ${x.p50.toFixed(2)} ms  p99 ${x.p99.toFixed(2)} ms  CPU ${x.cpuUsPerMsg.toFixed(0)} µs/msg`,
    );
  }
const med = (mode: 'off' | 'on', k: 'rate' | 'p50' | 'p99' | 'cpuUsPerMsg') =>
  q(
    runs[mode].map((x) => x[k]),
    0.5,
  );
console.log(
  `median on/off: rate ${(med('on', 'rate') / med('off', 'rate')).toFixed(2)}×, ack p50 ${(med('on', 'p50') / med('off', 'p50')).toFixed(2)}×, p99 ${(med('on', 'p99') / med('off', 'p99')).toFixed(2)}×, CPU per message ${(med('on', 'cpuUsPerMsg') / med('off', 'cpuUsPerMsg')).toFixed(2)}×; ${exported.toLocaleString('en')} bytes of OTLP exported`,
);
receiver.close();
