import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient, newVisitor, visitorSocket } from '../../test/clients';
import { startTestServer, type TestServer } from '../../test/test-server';
import { traceBus, traceCommitter, traceMasker, traceSend } from './tracing';

/**
 * OpenTelemetry traces (issue 17 item 2) into a real OTLP/HTTP receiver on
 * loopback: an HTTP server that takes what the exporter posts to /v1/traces
 * and decodes its OTLP JSON. The span tree of a message is asserted, and the
 * raw bytes are searched for the message, the card, and every identifier of
 * the people involved.
 */
interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: OtlpValue }[];
  status?: { code?: number };
}

let receiver: Server;
const bodies: Buffer[] = [];
const spans: OtlpSpan[] = [];
let t: TestServer;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      bodies.push(body);
      if (req.url === '/v1/traces' && req.headers['content-type']?.includes('json')) {
        const doc = JSON.parse(body.toString('utf8')) as {
          resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
        };
        for (const rs of doc.resourceSpans ?? [])
          for (const ss of rs.scopeSpans ?? []) spans.push(...(ss.spans ?? []));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as AddressInfo).port;
  t = await startTestServer({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` } });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

const attr = (s: OtlpSpan, key: string) => {
  const v = s.attributes?.find((a) => a.key === key)?.value;
  return v?.stringValue ?? v?.boolValue ?? (v?.intValue !== undefined ? Number(v.intValue) : v);
};

async function until<T>(what: string, fn: () => T | undefined, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = fn();
    if (r !== undefined) return r;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

describe('OpenTelemetry traces', () => {
  it('exports receive → mask → persist → fan out, and HTTP requests, with no content or person', async () => {
    const name = 'Zelda Quartermaine';
    const v = await newVisitor(t.url, t.orgKey, name);
    const agent = new AgentClient(t.url);
    expect((await agent.login(t.admin.email, t.admin.password)).status).toBe(200);
    expect(
      (await agent.request('POST', `/api/conversations/${v.conversationId}/accept`)).status,
    ).toBe(200);
    const vs = await visitorSocket(t.url, v.token);
    await vs.resume(v.conversationId);
    const text = 'my card is 4242 4242 4242 4242, ship to Gartenstrasse 12';
    vs.send({ type: 'send', clientMsgId: 'otel-1', conversationId: v.conversationId, text });
    await vs.next('ack', (f) => f.clientMsgId === 'otel-1');
    const reply = 'Thanks Zelda, the parcel leaves today';
    const sent = await agent.request('POST', `/api/conversations/${v.conversationId}/messages`, {
      clientMsgId: 'otel-2',
      text: reply,
    });
    expect(sent.status).toBeLessThan(300);
    vs.close();

    // The visitor's message over the socket: a root receive span with its three children.
    const receive = await until('the visitor message spans', () => {
      const r = spans.find(
        (s) => s.name === 'parley.message.receive' && attr(s, 'parley.sender.kind') === 'visitor',
      );
      return r &&
        spans.some((s) => s.parentSpanId === r.spanId && s.name === 'parley.message.fanout')
        ? r
        : undefined;
    });
    expect(receive.parentSpanId ?? '').toBe('');
    const children = spans.filter((s) => s.parentSpanId === receive.spanId);
    expect(new Set(children.map((s) => s.name))).toEqual(
      new Set(['parley.message.mask', 'parley.message.persist', 'parley.message.fanout']),
    );
    for (const c of children) expect(c.traceId).toBe(receive.traceId);
    const mask = children.find((s) => s.name === 'parley.message.mask')!;
    expect(attr(mask, 'parley.masking.findings')).toBeGreaterThan(0);
    const fanout = children.find((s) => s.name === 'parley.message.fanout')!;
    expect(attr(fanout, 'parley.topic.kind')).toBe('conv');
    expect(attr(fanout, 'parley.frame.type')).toBe('message');

    // The agent's reply over REST: the HTTP span (named by its route) is the receive's parent.
    const http = await until('the reply request span', () =>
      spans.find((s) => s.name === 'POST /api/conversations/:id/messages'),
    );
    expect(attr(http, 'http.route')).toBe('/api/conversations/:id/messages');
    expect(attr(http, 'http.response.status_code')).toBe(sent.status);
    const agentReceive = spans.find(
      (s) => s.name === 'parley.message.receive' && s.parentSpanId === http.spanId,
    );
    expect(agentReceive && attr(agentReceive, 'parley.sender.kind')).toBe('agent');
    await until('the reply persist span', () =>
      spans.find(
        (s) => s.parentSpanId === agentReceive!.spanId && s.name === 'parley.message.persist',
      ),
    );

    // Nothing of the messages or the people in any exported byte.
    const all = Buffer.concat(bodies).toString('utf8');
    const admin = await t.server.store.agents.byEmail(t.admin.email);
    for (const secret of [
      text,
      reply,
      '4242',
      'Gartenstrasse',
      'Zelda',
      'Quartermaine',
      v.visitorId,
      v.token,
      v.conversationId,
      t.admin.email,
      admin!.id,
      admin!.name,
      t.orgKey,
      '127.0.0.1',
      'otel-1',
      'otel-2',
    ])
      expect(all.includes(secret), `exported bytes contain ${secret}`).toBe(false);
  }, 60_000);

  it('costs nothing when off: every wrapper returns what it was given', () => {
    const bus = { publish: () => Promise.resolve() };
    const masker = { mask: () => ({ masked: [] }) };
    const committer = { append: () => Promise.resolve({}) };
    const chat = { send: () => Promise.resolve({}) };
    expect(traceBus(bus, undefined)).toBe(bus);
    expect(traceMasker(masker, undefined)).toBe(masker);
    expect(traceCommitter(committer, undefined)).toBe(committer);
    expect(traceSend(chat, undefined)).toBe(chat);
  });
});
