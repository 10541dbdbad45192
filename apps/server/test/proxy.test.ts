import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-server';
import { makeCert } from './tls-cert';
import { freePort, requestWithCa, tlsVisitor, wssVisitorSocket } from './tls-client';

// docs/deployment.md's configurations, run as they are: nginx and Caddy in
// front of a real Parley (TLS at the proxy, PARLEY_TRUST_PROXY=1), the chat
// over wss:// through each, and the systemd unit checked by systemd-analyze.

const DEPLOY = resolve(import.meta.dirname, '../../../docs/deploy');
const have = (bin: string): boolean => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const work = mkdtempSync(join(tmpdir(), 'parley-proxy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function waitUntilServing(
  url: string,
  ca: Buffer,
  child: ChildProcess,
  log: () => string,
): Promise<void> {
  const end = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`proxy exited ${child.exitCode}: ${log()}`);
    try {
      const r = await requestWithCa(`${url}/healthz`, ca);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`proxy did not serve: ${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Through the proxy: HSTS, a visitor session, and the chat over wss:// with an ack. */
async function chatThrough(publicUrl: string, srv: TestServer, ca: Buffer): Promise<void> {
  const health = await requestWithCa(`${publicUrl}/healthz`, ca);
  expect(health.status).toBe(200);
  expect(health.headers['strict-transport-security']).toMatch(/max-age=31536000/);
  const v = await tlsVisitor(publicUrl, srv.orgKey, ca);
  expect(v.sessionStatus).toBe(200);
  const socket = await wssVisitorSocket(publicUrl, v.token, ca);
  socket.send({
    type: 'send',
    clientMsgId: 'via-proxy',
    conversationId: v.conversationId,
    text: 'hello through the proxy',
  });
  const ack = await socket.next((f) => f.type === 'ack');
  expect(ack).toMatchObject({ type: 'ack', clientMsgId: 'via-proxy', seq: 1 });
  socket.close();
}

describe.skipIf(!have('nginx'))(
  'behind nginx (docs/deploy/nginx.conf; skipped without nginx)',
  () => {
    it('serves the chat over wss:// with TLS at nginx, and redirects HTTP to HTTPS', async () => {
      const dir = mkdtempSync(join(work, 'nginx-'));
      const cert = makeCert(dir, 'nginx');
      const [httpsPort, httpPort] = [await freePort(), await freePort()];
      const publicUrl = `https://localhost:${httpsPort}`;
      const srv = await startTestServer({
        logLevel: 'warn',
        env: { PARLEY_TRUST_PROXY: '1', PARLEY_PUBLIC_URL: publicUrl },
      });
      const parleyPort = srv.server.port;
      const site = readFileSync(join(DEPLOY, 'nginx.conf'), 'utf8')
        .replaceAll('listen 443 ssl', `listen 127.0.0.1:${httpsPort} ssl`)
        .replaceAll('listen 80;', `listen 127.0.0.1:${httpPort};`)
        .replaceAll('https://chat.example.com', publicUrl)
        .replaceAll('chat.example.com', 'localhost')
        .replaceAll('/etc/letsencrypt/live/localhost/fullchain.pem', cert.cert)
        .replaceAll('/etc/letsencrypt/live/localhost/privkey.pem', cert.key)
        .replaceAll('127.0.0.1:8080', `127.0.0.1:${parleyPort}`);
      writeFileSync(join(dir, 'site.conf'), site);
      writeFileSync(
        join(dir, 'nginx.conf'),
        [
          'daemon off;',
          'worker_processes 1;',
          `pid ${join(dir, 'nginx.pid')};`,
          `error_log ${join(dir, 'error.log')} warn;`,
          'events { worker_connections 256; }',
          'http {',
          '  access_log off;',
          ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
            (t) => `  ${t}_temp_path ${join(dir, `${t}-temp`)};`,
          ),
          `  include ${join(dir, 'site.conf')};`,
          '}',
        ].join('\n'),
      );
      let output = '';
      const nginx = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      nginx.stderr.on('data', (d: Buffer) => (output += d.toString()));
      try {
        await waitUntilServing(publicUrl, cert.pem, nginx, () => output);
        await chatThrough(publicUrl, srv, cert.pem);
        const redirect = await requestWithCa(`http://127.0.0.1:${httpPort}/console?x=1`, cert.pem);
        expect(redirect.status).toBe(308);
        expect(redirect.headers.location).toBe(`${publicUrl}/console?x=1`);
      } finally {
        nginx.kill('SIGTERM');
        await srv.close();
      }
    }, 60_000);
  },
);

describe.skipIf(!have('caddy'))(
  'behind Caddy (docs/deploy/Caddyfile; skipped without caddy)',
  () => {
    it('serves the chat over wss:// with TLS at Caddy', async () => {
      const dir = mkdtempSync(join(work, 'caddy-'));
      const cert = makeCert(dir, 'caddy');
      const httpsPort = await freePort();
      const publicUrl = `https://localhost:${httpsPort}`;
      const srv = await startTestServer({
        logLevel: 'warn',
        env: { PARLEY_TRUST_PROXY: '1', PARLEY_PUBLIC_URL: publicUrl },
      });
      // The documented site block as it is; ACME replaced by the test certificate.
      const site = readFileSync(join(DEPLOY, 'Caddyfile'), 'utf8')
        .replace('chat.example.com {', `${publicUrl} {\n\ttls ${cert.cert} ${cert.key}`)
        .replaceAll('127.0.0.1:8080', `127.0.0.1:${srv.server.port}`);
      writeFileSync(
        join(dir, 'Caddyfile'),
        `{\n\tadmin off\n\tauto_https disable_redirects\n\tstorage file_system ${join(dir, 'data')}\n}\n\n${site}`,
      );
      let output = '';
      const caddy = spawn(
        'caddy',
        ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir },
        },
      );
      caddy.stderr.on('data', (d: Buffer) => (output += d.toString()));
      try {
        await waitUntilServing(publicUrl, cert.pem, caddy, () => output);
        await chatThrough(publicUrl, srv, cert.pem);
      } finally {
        caddy.kill('SIGTERM');
        await srv.close();
      }
    }, 60_000);
  },
);

describe.skipIf(!have('systemd-analyze'))('the systemd unit (docs/deploy/parley.service)', () => {
  it('passes systemd-analyze verify without a warning', () => {
    const unit = join(work, 'parley.service');
    // The unit names /opt/parley; verify checks that ExecStart's program exists, so point it at this tree.
    writeFileSync(
      unit,
      readFileSync(join(DEPLOY, 'parley.service'), 'utf8')
        .replaceAll('/usr/bin/node', process.execPath)
        .replaceAll('/opt/parley', resolve(import.meta.dirname, '../../..')),
    );
    const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
