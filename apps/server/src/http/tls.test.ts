import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { startTestServer, type TestServer } from '../../test/test-server';
import { makeCert } from '../../test/tls-cert';
import { requestWithCa, tlsVisitor, wssVisitorSocket } from '../../test/tls-client';

const dir = mkdtempSync(join(tmpdir(), 'parley-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fingerprint of the certificate a new TLS handshake gets. */
function presented(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = connect(
      { host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false },
      () => {
        const raw = socket.getPeerX509Certificate()?.raw ?? Buffer.alloc(0);
        socket.end();
        resolve(new X509Certificate(raw).fingerprint256);
      },
    );
    socket.on('error', reject);
  });
}

/** Polls `probe` until `ok` (the certificate poller runs every 2 s) or the deadline. */
async function until<T>(
  probe: () => Promise<T> | T,
  ok: (v: T) => boolean,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
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
    const health = await requestWithCa(`${srv.url}/healthz`, first.pem);
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const v = await tlsVisitor(srv.url, srv.orgKey, first.pem);
    const socket = await wssVisitorSocket(srv.url, v.token, first.pem);
    expect(socket.ws.url).toMatch(/^wss:/);
    socket.close();
  });

  it('swaps in a renewed certificate without dropping an open socket', async () => {
    const port = Number(new URL(srv.url).port);
    expect(await presented(port)).toBe(first.fingerprint);
    const v = await tlsVisitor(srv.url, srv.orgKey, first.pem);
    const socket = await wssVisitorSocket(srv.url, v.token, first.pem);

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
    socket.send({
      type: 'send',
      clientMsgId: 'after-renewal',
      conversationId: v.conversationId,
      text: 'still here',
    });
    await socket.next((f) => f.type === 'ack' && f.clientMsgId === 'after-renewal');
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    socket.close();

    // A broken renewal (key of another certificate) is refused; the current one stays.
    copyFileSync(first.key, live.key);
    await until(
      () => srv.logs.join(''),
      (l) => l.includes('could not be used'),
    );
    expect(srv.logs.join('')).toContain('still serving the previous one');
    expect(await presented(port)).toBe(second.fingerprint);
    copyFileSync(second.key, live.key);
  });

  it('redirects plain HTTP to the configured HTTPS origin, never to the Host header', async () => {
    const port = srv.server.redirectPort;
    expect(port).toBeGreaterThan(0);
    const r = await requestWithCa(`http://127.0.0.1:${port}/console?x=1`, Buffer.alloc(0), {
      headers: { host: 'evil.example' },
    });
    expect(r.status).toBe(308);
    expect(r.headers.location).toBe(`${srv.url}/console?x=1`);
  });
});

describe('TLS configuration', () => {
  const base = { PARLEY_DATA_DIR: dir };
  it('refuses plain HTTP in production unless behind a proxy, and half a TLS pair', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/plain HTTP is refused/);
    const proxied = { ...base, NODE_ENV: 'production', PARLEY_TRUST_PROXY: '1' };
    expect(() =>
      loadConfig({ ...proxied, PARLEY_PUBLIC_URL: 'https://chat.example' }),
    ).not.toThrow();
    expect(() => loadConfig({ ...proxied, PARLEY_PUBLIC_URL: 'http://chat.example' })).toThrow(
      /must be https/,
    );
    expect(() => loadConfig({ ...base, PARLEY_TLS_CERT: '/x.crt' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, PARLEY_HTTP_REDIRECT_PORT: '80' })).toThrow(
      /needs PARLEY_TLS_CERT/,
    );
  });
});
