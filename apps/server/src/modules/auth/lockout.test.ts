import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, solveChallenge } from '../../../test/clients';
import { passwordProblem } from './password-policy';

let t: TestServer;
let admin: AgentClient;
beforeAll(async () => {
  // One trusted proxy hop: each test signs in "from" its own address via X-Forwarded-For.
  t = await startTestServer({ logLevel: 'warn', env: { PARLEY_TRUST_PROXY: '1' } });
  admin = new AgentClient(t.url);
  await admin.login(t.admin.email, t.admin.password);
});
afterAll(async () => {
  await t.close();
});

function post(email: string, password: string, ip: string, altcha?: string) {
  return fetch(`${t.url}/api/auth/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: new URL(t.url).origin,
      'x-forwarded-for': ip,
    },
    body: JSON.stringify({ email, password, ...(altcha ? { altcha } : {}) }),
  });
}
/** Signs in like the console: solves the proof-of-work challenge when asked for one. */
async function login(email: string, password: string, ip: string) {
  const res = await post(email, password, ip);
  return res.status === 428 ? post(email, password, ip, await solveChallenge(t.url)) : res;
}
const errorBody = async (res: Response) =>
  ((await res.json()) as { error: { code: string; message: string } }).error;

describe('password policy', () => {
  it('refuses short and common passwords, also with digits appended', () => {
    expect(passwordProblem('short')).toMatch(/12 characters/);
    expect(passwordProblem('password1234')).toMatch(/commonly used/);
    expect(passwordProblem('qwertyuiop123!')).toMatch(/commonly used/);
    expect(passwordProblem('1q2w3e4r5t6y')).toMatch(/commonly used/);
    expect(passwordProblem('aaaaaaaaaaaaaa')).toBeDefined();
    expect(passwordProblem('violet kettle drums at noon')).toBeUndefined();
  });

  it('makes an invited agent replace the one-time password, refusing a weak one with weak_password', async () => {
    const res = await admin.request('POST', '/api/agents', {
      email: 'newbie@parley.test',
      name: 'Newbie',
      role: 'agent',
    });
    expect(res.status).toBe(201);
    const { oneTimePassword } = (await res.json()) as { oneTimePassword: string };
    const a = new AgentClient(t.url);
    expect(
      ((await (await a.login('newbie@parley.test', oneTimePassword)).json()) as { stage: string })
        .stage,
    ).toBe('password_change');
    expect((await errorBody(await a.request('GET', '/api/conversations'))).code).toBe(
      'password_change_required',
    );
    const weak = await a.request('POST', '/api/auth/password', {
      currentPassword: oneTimePassword,
      newPassword: 'password12345',
    });
    expect(weak.status).toBe(400);
    expect((await errorBody(weak)).code).toBe('weak_password');
    const ok = await a.request('POST', '/api/auth/password', {
      currentPassword: oneTimePassword,
      newPassword: 'violet kettle drums at noon',
    });
    expect(((await ok.json()) as { stage: string }).stage).toBe('ok');
    expect((await a.request('GET', '/api/conversations')).status).toBe(200);
  });
});

describe('lockout (PCI DSS 8.3.4)', () => {
  it('locks an account after 10 failures from any addresses, even for the right password, until an admin unlocks it', async () => {
    const agent = await t.createAgent('agent');
    // Regression (issue 10 finding 2): the agent's live session and socket survive the lock.
    const live = new AgentClient(t.url);
    expect((await live.login(agent.email, agent.password)).status).toBe(200);
    const socket = await live.socket();
    await socket.next('ready');
    for (let i = 0; i < 10; i++)
      expect((await login(agent.email, 'wrong password here', `10.1.0.${i}`)).status).toBe(401);
    const locked = await login(agent.email, agent.password, '10.1.1.1');
    expect(locked.status).toBe(423);
    const body = await errorBody(locked);
    expect(body.code).toBe('account_locked');
    expect(body.message).toMatch(/30 minutes/);
    expect((await live.request('GET', '/api/conversations')).status).toBe(200);
    expect(socket.closeCode).toBeUndefined();
    const list = (await (await admin.request('GET', '/api/agents')).json()) as {
      agents: { id: string; locked: boolean }[];
    };
    expect(list.agents.find((a) => a.id === agent.id)?.locked).toBe(true);
    expect((await admin.request('POST', `/api/agents/${agent.id}/unlock`)).status).toBe(200);
    expect((await login(agent.email, agent.password, '10.1.1.1')).status).toBe(200);
    const events = (await (await admin.request('GET', '/api/security/events')).json()) as {
      counts: Record<string, number>;
    };
    expect(events.counts.account_locked).toBe(1);
    socket.close();
  });

  it('slows a source address with failures across accounts by proof of work, and never locks it', async () => {
    const victim = await t.createAgent('agent');
    for (let i = 0; i < 10; i++)
      await login(`nobody-${i}@parley.test`, 'wrong password here', '10.2.0.1');
    // Regression (finding 2): behind a proxy everyone shares one address; it is never locked out.
    const asked = await post(victim.email, victim.password, '10.2.0.1');
    expect(asked.status).toBe(428);
    expect((await errorBody(asked)).code).toBe('challenge_required');
    const proof = await solveChallenge(t.url);
    expect((await post(victim.email, victim.password, '10.2.0.1', proof)).status).toBe(200);
    // A solved challenge is spent once.
    expect((await post(victim.email, victim.password, '10.2.0.1', proof)).status).toBe(428);
    expect((await post(victim.email, victim.password, '10.2.0.2')).status).toBe(200);
  });

  it('audits sign-ins and failures with origin address', async () => {
    const res = await admin.request(
      'GET',
      '/api/audit?action=auth.sign_in&outcome=failure&limit=5',
    );
    const { entries } = (await res.json()) as {
      entries: { ip: string; outcome: string; action: string }[];
    };
    expect(entries.length).toBeGreaterThan(0);
    expect(entries[0]).toMatchObject({ action: 'auth.sign_in', outcome: 'failure' });
    expect(entries[0]?.ip).toMatch(/^10\./);
    const reads = (await (await admin.request('GET', '/api/audit?action=audit.read')).json()) as {
      entries: unknown[];
    };
    expect(reads.entries.length).toBeGreaterThanOrEqual(1);
  });
});

describe('sessions', () => {
  it('"sign out everywhere" ends every session and closes their sockets; the periodic check closes revoked ones', async () => {
    const agent = await t.createAgent('agent');
    const one = new AgentClient(t.url);
    const two = new AgentClient(t.url);
    await one.login(agent.email, agent.password);
    await two.login(agent.email, agent.password);
    const s1 = await one.socket();
    const s2 = await two.socket();
    await s2.next('ready');
    expect((await one.request('POST', '/api/auth/logout-all')).status).toBe(200);
    expect(await s1.closed).toBe(4001);
    expect(await s2.closed).toBe(4001);
    expect((await two.request('GET', '/api/auth/session')).status).toBe(401);

    // Revoked behind the gateway's back (no bus message): the periodic check notices.
    const three = new AgentClient(t.url);
    await three.login(agent.email, agent.password);
    const s3 = await three.socket();
    await s3.next('ready');
    await t.server.store.security.revokeAgentSessions(t.orgId, agent.id, Date.now());
    await t.server.gateway.checkSessions();
    expect(await s3.closed).toBe(4001);
  });
});
