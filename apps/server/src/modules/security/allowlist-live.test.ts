import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, TestSocket } from '../../../test/clients';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ logLevel: 'warn', env: { PARLEY_TRUST_PROXY: '1' } });
});
afterAll(async () => {
  await t.close();
});

/** Signs in and opens a socket "from" `ip` (one trusted proxy hop). */
async function agentFrom(ip: string, role: 'agent' | 'admin' = 'agent') {
  const agent = await t.createAgent(role);
  const client = new AgentClient(t.url);
  const login = await fetch(`${t.url}/api/auth/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: new URL(t.url).origin,
      'x-forwarded-for': ip,
    },
    body: JSON.stringify({ email: agent.email, password: agent.password }),
  });
  expect(login.status).toBe(200);
  client.cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  client.csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  const socket = await TestSocket.open(`${t.wsUrl}/ws/agent`, {
    cookie: client.cookie,
    origin: new URL(t.url).origin,
    'x-forwarded-for': ip,
  });
  await socket.next('ready');
  return { agent, client, socket, ip };
}

describe('allowlist changes take effect at once (issue 10 finding 4)', () => {
  it('regression: closes sockets and ends sessions from addresses no longer allowed, each a security event', async () => {
    const admin = await agentFrom('192.0.2.10', 'admin');
    const inside = await agentFrom('192.0.2.20');
    const outside = await agentFrom('203.0.113.7');
    const started = Date.now();
    const put = await admin.client.request(
      'PUT',
      '/api/security/settings',
      { ipAllowlist: ['192.0.2.0/24'] },
      { 'x-forwarded-for': admin.ip },
    );
    expect(put.status).toBe(200);
    expect(await outside.socket.closed).toBe(4003);
    expect(outside.socket.closeReason).toBe('ip_not_allowed');
    expect(Date.now() - started).toBeLessThan(1000);
    // The session itself ended too: from an allowed address it would not come back.
    expect(
      (
        await outside.client.request('GET', '/api/auth/session', undefined, {
          'x-forwarded-for': '192.0.2.99',
        })
      ).status,
    ).toBe(401);
    expect(inside.socket.closeCode).toBeUndefined();
    expect(admin.socket.closeCode).toBeUndefined();
    expect(
      (
        await inside.client.request('GET', '/api/conversations', undefined, {
          'x-forwarded-for': inside.ip,
        })
      ).status,
    ).toBe(200);
    const events = await t.server.store.security.events(t.orgId, {
      type: 'allowlist_closed',
      limit: 10,
    });
    expect(new Set(events.map((e) => e.ip))).toEqual(new Set(['203.0.113.7']));
    expect(events.map((e) => e.detail.at).sort()).toEqual(['session', 'socket']);
    for (const s of [admin.socket, inside.socket]) s.close();
  });
});
