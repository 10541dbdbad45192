import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/test-server';
import { newVisitor, visitorSocket } from '../../test/clients';
import { freePort } from '../../test/tls-client';

const TOKEN = 'metrics-token-for-the-test-0123456789';

function metric(body: string, name: string, labels = ''): number | undefined {
  const line = body
    .split('\n')
    .find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name}{`)));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('/metrics, /livez, /readyz', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({
      logLevel: 'warn',
      env: { PARLEY_TRUST_PROXY: '1', PARLEY_METRICS_TOKEN: TOKEN },
    });
  });
  afterAll(async () => srv?.close());

  it('counts messages, findings, acks and sockets without content or identifiers in any label', async () => {
    const v = await newVisitor(srv.url, srv.orgKey, 'Mira Metrics');
    const socket = await visitorSocket(srv.url, v.token);
    await socket.resume(v.conversationId);
    const texts = ['hello from the metrics test', 'my card is 4111 1111 1111 1111 thanks'];
    for (const [i, text] of texts.entries()) {
      socket.send({ type: 'send', clientMsgId: `m-${i}`, conversationId: v.conversationId, text });
      await socket.next('ack', (f) => f.clientMsgId === `m-${i}`);
    }
    const res = await fetch(`${srv.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    expect(metric(body, 'parley_messages_in_total', '{sender="visitor"}')).toBe(2);
    expect(metric(body, 'parley_masking_findings_total', '{type="pan"}')).toBe(1);
    expect(metric(body, 'parley_ack_latency_seconds_count', '{outcome="ack"}')).toBe(2);
    expect(metric(body, 'parley_store_commit_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(metric(body, 'parley_sockets', '{kind="visitor"}')).toBe(1);
    expect(metric(body, 'parley_events_out_total', '{audience="all"}')).toBeGreaterThanOrEqual(2);
    expect(body).toContain('parley_nodejs_eventloop_lag_seconds');
    expect(body).toMatch(
      /parley_http_requests_total\{method="POST",route="\/api\/visitor\/session",status="2xx"\} 1/,
    );
    // Route templates only: no conversation id, visitor id, token, name or text anywhere.
    for (const secret of [
      v.conversationId,
      v.visitorId,
      v.token,
      'Mira',
      'metrics test',
      '4111',
      '1111',
    ])
      expect(body).not.toContain(secret);
    socket.close();
  });

  it('serves /metrics to loopback or the bearer token only', async () => {
    const remote = { 'x-forwarded-for': '203.0.113.7' };
    const refused = await fetch(`${srv.url}/metrics`, { headers: remote });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    const wrong = await fetch(`${srv.url}/metrics`, {
      headers: { ...remote, authorization: 'Bearer not-the-token' },
    });
    expect(wrong.status).toBe(403);
    const ok = await fetch(`${srv.url}/metrics`, {
      headers: { ...remote, authorization: `Bearer ${TOKEN}` },
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('parley_messages_in_total');
  });

  it('is live and ready while its store answers', async () => {
    expect((await fetch(`${srv.url}/livez`)).status).toBe(200);
    const ready = await fetch(`${srv.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { store: 'up' } });
  });

  it('is not ready, naming the dependency, when the vault does not answer; ready again when it does', async () => {
    const port = await freePort();
    const node = await startTestServer({
      logLevel: 'fatal',
      env: {
        PARLEY_VAULT_URL: `http://127.0.0.1:${port}`,
        PARLEY_VAULT_SECRET_OUT: 'x'.repeat(32),
      },
    });
    try {
      const down = await fetch(`${node.url}/readyz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({
        status: 'degraded',
        checks: { store: 'up', vault: 'down' },
      });
      const metrics = await (await fetch(`${node.url}/metrics`)).text();
      expect(metrics).toContain('parley_dependency_up{dependency="vault"} 0');
      // The vault comes back on that port: readiness follows without a restart.
      const { createServer: createHttp } = await import('node:http');
      const vault = createHttp((_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
      );
      await new Promise<void>((r) => vault.listen(port, '127.0.0.1', r));
      try {
        const up = await fetch(`${node.url}/readyz`);
        expect(await up.json()).toEqual({ status: 'ready', checks: { store: 'up', vault: 'up' } });
      } finally {
        await new Promise<void>((r) => vault.close(() => r()));
      }
    } finally {
      await node.close();
    }
  });

  it.skipIf(!process.env.REDIS_URL)(
    'checks Redis when the bus runs on it (needs REDIS_URL)',
    async () => {
      const node = await startTestServer({
        logLevel: 'warn',
        redisUrl: process.env.REDIS_URL ?? '',
      });
      try {
        const ready = await fetch(`${node.url}/readyz`);
        expect(await ready.json()).toEqual({ status: 'ready', checks: { store: 'up', bus: 'up' } });
      } finally {
        await node.close();
      }
    },
  );
});
