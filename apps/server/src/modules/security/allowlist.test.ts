import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyRequest } from '@parley/signing';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, TestSocket } from '../../../test/clients';
import { clientIp, ipAllowed, parseCidr } from '../security';

let t: TestServer;
let admin: AgentClient;
const hooks: { body: string; headers: IncomingMessage['headers']; path: string }[] = [];
const hookServer = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    hooks.push({ body, headers: req.headers, path: req.url ?? '' });
    res.end('ok');
  });
});
const SECRET = 'webhook-secret-0123456789';

/** An admin client whose requests appear to come from `ip` (one trusted proxy hop). */
function from(client: AgentClient, ip: string) {
  return (method: string, path: string, body?: unknown) =>
    client.request(method, path, body, { 'x-forwarded-for': ip });
}

beforeAll(async () => {
  t = await startTestServer({
    logLevel: 'warn',
    // The test's webhook receiver listens on loopback, which webhooks may not reach by default.
    env: { PARLEY_TRUST_PROXY: '1', PARLEY_WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32' },
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', () => r()));
  admin = new AgentClient(t.url);
  await admin.login(t.admin.email, t.admin.password);
});
afterAll(async () => {
  await t.close();
  hookServer.close();
});

describe('CIDR and client address', () => {
  it('matches IPv4, IPv6 and mapped addresses, and believes X-Forwarded-For only for trusted hops', () => {
    expect(parseCidr('10.0.0.0/8')).toBe('10.0.0.0/8');
    expect(parseCidr('2001:DB8::/32')).toBe('2001:db8::/32');
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('example.com')).toBeUndefined();
    expect(ipAllowed([], '1.2.3.4')).toBe(true);
    expect(ipAllowed(['10.0.0.0/8'], '::ffff:10.1.2.3')).toBe(true);
    expect(ipAllowed(['10.0.0.0/8'], '11.0.0.1')).toBe(false);
    expect(ipAllowed(['2001:db8::/32'], '2001:db8::1')).toBe(true);
    expect(clientIp('127.0.0.1', '1.1.1.1, 2.2.2.2', 0)).toBe('127.0.0.1');
    expect(clientIp('127.0.0.1', '1.1.1.1, 2.2.2.2', 1)).toBe('2.2.2.2');
    expect(clientIp('127.0.0.1', '1.1.1.1, 2.2.2.2', 2)).toBe('1.1.1.1');
  });
});

describe('organisation IP allowlist', () => {
  it('refuses a change that would lock out the admin making it', async () => {
    const res = await from(admin, '192.0.2.10')('PUT', '/api/security/settings', {
      ipAllowlist: ['198.51.100.0/24'],
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'allowlist_would_lock_out',
    );
  });

  it('blocks the console API, sign-in and sockets from other addresses, reports it live to admins and to the signed webhook', async () => {
    const put = await from(admin, '192.0.2.10')('PUT', '/api/security/settings', {
      ipAllowlist: ['192.0.2.0/24', '2001:db8::/32'],
      webhookUrl: `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hooks/parley?x=1`,
      webhookSecret: SECRET,
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({
      ipAllowlist: ['192.0.2.0/24', '2001:db8::/32'],
      webhookSecretSet: true,
    });
    expect(
      JSON.stringify(
        await (await from(admin, '192.0.2.10')('GET', '/api/security/settings')).json(),
      ),
    ).not.toContain(SECRET);

    // The admin watches security events live on a socket from an allowed address.
    const live = await TestSocket.open(`${t.wsUrl}/ws/agent`, {
      cookie: admin.cookie,
      origin: new URL(t.url).origin,
      'x-forwarded-for': '192.0.2.10',
    });
    await live.next('ready');

    const blocked = await from(admin, '203.0.113.5')('GET', '/api/conversations');
    expect(blocked.status).toBe(403);
    expect(((await blocked.json()) as { error: { code: string } }).error.code).toBe(
      'ip_not_allowed',
    );
    await expect(
      TestSocket.open(`${t.wsUrl}/ws/agent`, {
        cookie: admin.cookie,
        origin: new URL(t.url).origin,
        'x-forwarded-for': '203.0.113.5',
      }),
    ).rejects.toThrow(/403/);

    const frame = await live.next('security_event', (f) => f.event.type === 'ip_blocked');
    expect(frame.event).toMatchObject({ ip: '203.0.113.5' });

    const agent = await t.createAgent('agent');
    const signIn = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: new URL(t.url).origin,
        'x-forwarded-for': '203.0.113.6',
      },
      body: JSON.stringify({ email: agent.email, password: agent.password }),
    });
    expect(signIn.status).toBe(403);

    for (let i = 0; i < 50 && hooks.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(hooks.length).toBeGreaterThanOrEqual(3);
    const hook = hooks[0];
    if (!hook) throw new Error('no webhook');
    expect(hook.path).toBe('/hooks/parley?x=1');
    expect(
      verifyRequest({
        secret: SECRET,
        method: 'POST',
        path: hook.path,
        body: hook.body,
        headers: hook.headers,
      }),
    ).toMatchObject({ ok: true });
    expect(
      verifyRequest({
        secret: 'another-secret-0123456',
        method: 'POST',
        path: hook.path,
        body: hook.body,
        headers: hook.headers,
      }),
    ).toMatchObject({ ok: false });
    expect(JSON.parse(hook.body)).toMatchObject({
      type: 'security_event',
      orgId: t.orgId,
      event: { type: 'ip_blocked', ip: '203.0.113.5' },
    });

    const events = (await (
      await from(admin, '192.0.2.10')('GET', '/api/security/events')
    ).json()) as { counts: Record<string, number> };
    expect(events.counts.ip_blocked).toBeGreaterThanOrEqual(3);
    const auditRes = await from(admin, '192.0.2.10')('GET', '/api/audit?action=settings.allowlist');
    const { entries } = (await auditRes.json()) as { entries: { outcome: string; ip: string }[] };
    expect(entries.map((e) => e.outcome).sort()).toEqual(['failure', 'success']);
    expect(entries[0]?.ip).toBe('192.0.2.10');
    live.close();
  });
});
