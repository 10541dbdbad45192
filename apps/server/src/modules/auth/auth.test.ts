import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient } from '../../../test/clients';
import { ROLE_PERMISSIONS, can } from './policy';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe('agent sign-in', () => {
  it('signs in with the right password and sets an HttpOnly SameSite=Strict session cookie', async () => {
    const a = new AgentClient(t.url);
    const res = await a.login(t.admin.email, t.admin.password);
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/parley_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const session = await a.request('GET', '/api/auth/session');
    expect(((await session.json()) as { agent: { role: string } }).agent.role).toBe('admin');
  });

  it('refuses a wrong password and an unknown account alike, with invalid_credentials', async () => {
    const wrong = await new AgentClient(t.url).login(t.admin.email, 'not the password at all');
    const unknown = await new AgentClient(t.url).login(
      'nobody@parley.test',
      'not the password at all',
    );
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it('rotates the session id at every sign-in', async () => {
    const a = new AgentClient(t.url);
    await a.login(t.admin.email, t.admin.password);
    const first = a.cookie;
    await a.login(t.admin.email, t.admin.password);
    expect(a.cookie).not.toBe(first);
  });

  it('requires the CSRF token on writes, and a same-origin Origin', async () => {
    const a = new AgentClient(t.url);
    await a.login(t.admin.email, t.admin.password);
    const noToken = await a.request('POST', '/api/auth/logout', undefined, {
      'x-csrf-token': 'forged',
    });
    expect(noToken.status).toBe(403);
    expect(((await noToken.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
    const foreign = await a.request('POST', '/api/auth/logout', undefined, {
      origin: 'https://evil.example',
    });
    expect(foreign.status).toBe(403);
    const crossLogin = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ email: t.admin.email, password: t.admin.password }),
    });
    expect(crossLogin.status).toBe(403);
  });

  it('refuses a forged session cookie', async () => {
    const res = await fetch(`${t.url}/api/conversations`, {
      headers: { cookie: 'parley_session=forged-session-token-value' },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('ends the session and its sockets at sign-out', async () => {
    const a = new AgentClient(t.url);
    await a.login(t.admin.email, t.admin.password);
    const socket = await a.socket();
    await socket.next('ready');
    expect((await a.request('POST', '/api/auth/logout')).status).toBe(200);
    expect(await socket.closed).toBe(4001);
    expect((await a.request('GET', '/api/auth/session')).status).toBe(401);
  });

  it('answers bad input with bad_request', async () => {
    const res = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":"x"}',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
  });
});

describe('role policy', () => {
  it('grants refunds to supervisors and admins only, and nothing across organisations', () => {
    const actor = (role: 'agent' | 'supervisor' | 'admin') => ({
      kind: 'agent' as const,
      agentId: 'a',
      orgId: 'o1',
      role,
    });
    expect(can(actor('agent'), 'payment:refund', { orgId: 'o1' })).toBe(false);
    expect(can(actor('supervisor'), 'payment:refund', { orgId: 'o1' })).toBe(true);
    expect(can(actor('admin'), 'payment:refund', { orgId: 'o2' })).toBe(false);
    expect(ROLE_PERMISSIONS.admin.size).toBeGreaterThan(ROLE_PERMISSIONS.supervisor.size);
  });
});
