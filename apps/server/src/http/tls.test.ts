import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { startTestServer, type TestServer } from '../../test/test-server';
import { makeCert } from '../../test/tls-cert';
import type { ServerFrame } from '@parley/protocol';

const dir = mkdtempSync(join(tmpdir(), 'parley-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fingerprint of the certificate a new TLS handshake gets. */
function presented(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = connect(
      { host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false },
      () => {
        const fp = new X509Certificate(socket.getPeerX509Certificate()?.raw ?? Buffer.alloc(0))
          .fingerprint256;
        socket.end();
        resolve(fp);
      },
    );
    socket.on('error', reject);
  });
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function get(url: string, ca: Buffer, headers: Record<string, string> = {}) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }>((resolve, reject) => {
    const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(
      url,
      { ca, headers },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('Parley serving TLS itself', () => {
  let srv: TestServer;
  let first: ReturnType<typeof makeCert>;
  let second: ReturnType<typeof makeCert>;
  const live = { cert: join(dir, 'live.crt'), key: join(dir, 'live.key') };

  beforeAll(async () => {
    first = makeCert(dir, 'first');
    second = makeCert(dir, 'second');
    copyFileSync(first.cert, live.cert);
    copyFileSync(first.key, live.key);
    srv = await startTestServer({
      logLevel: 'info',
      env: { PARLEY_TLS_CERT: live.cert, PARLEY_TLS_KEY: live.key, PARLEY_HTTP_REDIRECT_PORT: '0' },
    });
  });
  afterAll(async () => srv?.close());

  it('serves HTTPS with HSTS, and WSS on the same port', async () => {
    expect(srv.url).toMatch(/^https:\/\/localhost:\d+$/);
    const health = await get(`${srv.url}/healthz`, first.pem);
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const v = await newVisitorTls(srv, first.pem);
    const ws = new WebSocket(`${srv.wsUrl}/ws/visitor`, {
      ca: first.pem,
      headers: { origin: srv.url },
    });
    const frames: ServerFrame[] = [];
    ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString()) as ServerFrame));
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    ws.send(JSON.stringify({ type: 'auth', token: v.token }));
    await until(
      async () => frames,
      (f) => f.some((x) => x.type === 'ready'),
    );
    expect(frames.some((f) => f.type === 'ready')).toBe(true);
    ws.close();
  });

  it('swaps in a renewed certificate without dropping an open socket', async () => {
    const port = Number(new URL(srv.url).port);
    expect(await presented(port)).toBe(first.fingerprint);
    const v = await newVisitorTls(srv, first.pem);
    const ws = new WebSocket(`${srv.wsUrl}/ws/visitor`, {
      ca: first.pem,
      headers: { origin: srv.url },
    });
    const frames: ServerFrame[] = [];
    ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString()) as ServerFrame));
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    ws.send(JSON.stringify({ type: 'auth', token: v.token }));
    await until(
      async () => frames,
      (f) => f.some((x) => x.type === 'ready'),
    );

    // A renewal writes new files; the poller picks them up.
    copyFileSync(second.cert, live.cert);
    copyFileSync(second.key, live.key);
    expect(
      await until(
        () => presented(port),
        (fp) => fp === second.fingerprint,
      ),
    ).toBe(second.fingerprint);
    expect(srv.logs.join('')).toContain('tls: certificate reloaded');

    // The socket opened under the old certificate still works.
    ws.send(
      JSON.stringify({
        type: 'send',
        clientMsgId: 'after-renewal',
        conversationId: v.conversationId,
        text: 'still here',
      }),
    );
    await until(
      async () => frames,
      (f) => f.some((x) => x.type === 'ack'),
    );
    expect(frames.some((f) => f.type === 'ack' && f.clientMsgId === 'after-renewal')).toBe(true);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();

    // A broken renewal (key of another certificate) is refused; the current one stays.
    copyFileSync(first.key, live.key);
    await until(
      async () => srv.logs.join(''),
      (l) => l.includes('could not be used'),
    );
    expect(srv.logs.join('')).toContain('still serving the previous one');
    expect(await presented(port)).toBe(second.fingerprint);
    copyFileSync(second.key, live.key);
  });

  it('redirects plain HTTP to the configured HTTPS origin, never to the Host header', async () => {
    const port = srv.server.redirectPort;
    expect(port).toBeGreaterThan(0);
    const r = await get(`http://127.0.0.1:${port}/console?x=1`, Buffer.alloc(0), {
      host: 'evil.example',
    });
    expect(r.status).toBe(308);
    expect(r.headers.location).toBe(`${srv.url}/console?x=1`);
  });
});

async function newVisitorTls(srv: TestServer, ca: Buffer) {
  // fetch cannot take a CA: the visitor REST calls go over https with node's request.
  const post = (path: string, body: unknown, token?: string) =>
    new Promise<{ status: number; json: Record<string, string> }>((resolve, reject) => {
      const data = JSON.stringify(body);
      const req = httpsRequest(
        `${srv.url}${path}`,
        {
          method: 'POST',
          ca,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(data),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              json: JSON.parse(text) as Record<string, string>,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  const session = await post('/api/visitor/session', { orgKey: srv.orgKey, name: 'Tia' });
  const token = session.json.token ?? '';
  const conv = await post('/api/visitor/conversations', {}, token);
  return { token, conversationId: conv.json.id ?? '' };
}

describe('TLS configuration', () => {
  const base = { PARLEY_DATA_DIR: dir };
  it('refuses plain HTTP in production unless behind a proxy, and half a TLS pair', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/plain HTTP is refused/);
    expect(() =>
      loadConfig({
        ...base,
        NODE_ENV: 'production',
        PARLEY_TRUST_PROXY: '1',
        PARLEY_PUBLIC_URL: 'https://chat.example',
      }),
    ).not.toThrow();
    expect(() =>
      loadConfig({
        ...base,
        NODE_ENV: 'production',
        PARLEY_TRUST_PROXY: '1',
        PARLEY_PUBLIC_URL: 'http://chat.example',
      }),
    ).toThrow(/must be https/);
    expect(() => loadConfig({ ...base, PARLEY_TLS_CERT: '/x.crt' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, PARLEY_HTTP_REDIRECT_PORT: '80' })).toThrow(
      /needs PARLEY_TLS_CERT/,
    );
  });
});
