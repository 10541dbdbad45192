import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor } from '../../../test/clients';
import { sha256Hex } from '../../lib/tokens';
import { sessionPublicId } from './presenter';

let t: TestServer;
let admin: AgentClient;

beforeAll(async () => {
  t = await startTestServer({ logLevel: 'warn' });
  admin = new AgentClient(t.url);
  await admin.login(t.admin.email, t.admin.password);
});
afterAll(async () => {
  await t.close();
});

const hashOf = (c: AgentClient) => sha256Hex(decodeURIComponent(c.cookie.split('=')[1] ?? ''));
const errorCode = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code;
async function signedIn(who: { email: string; password: string }): Promise<AgentClient> {
  const c = new AgentClient(t.url);
  expect((await c.login(who.email, who.password)).status).toBe(200);
  return c;
}

describe('own sessions (issue 10 item 14)', () => {
  it('lists only the agent’s own live sessions with device, address and the current one marked', async () => {
    const ada = await t.createAgent('agent');
    const bob = await t.createAgent('agent');
    const laptop = await signedIn(ada);
    const phone = await signedIn(ada);
    await signedIn(bob);
    await t.server.store.account.setUserAgent(
      hashOf(laptop),
      'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    );
    await t.server.store.account.setUserAgent(
      hashOf(phone),
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1',
    );
    const res = await laptop.request('GET', '/api/account/sessions');
    expect(res.status).toBe(200);
    const { sessions } = (await res.json()) as {
      sessions: { id: string; current: boolean; device: string; ip: string | null }[];
    };
    expect(sessions).toHaveLength(2);
    expect(sessions.find((s) => s.current)?.device).toBe('Firefox on Linux');
    expect(sessions.find((s) => !s.current)?.device).toBe('Safari on iOS');
    expect(sessions.every((s) => s.ip === '127.0.0.1')).toBe(true);
    // Neither the token nor its stored hash leaves the server.
    expect(JSON.stringify(sessions)).not.toContain(hashOf(laptop));
  });

  it('ends one own session; another agent’s session id is not found', async () => {
    const ada = await t.createAgent('agent');
    const bob = await t.createAgent('agent');
    const mine = await signedIn(ada);
    const other = await signedIn(ada);
    const bobs = await signedIn(bob);
    const bobId = sessionPublicId(hashOf(bobs));
    expect((await mine.request('DELETE', `/api/account/sessions/${bobId}`)).status).toBe(404);
    expect((await bobs.request('GET', '/api/auth/session')).status).toBe(200);
    const otherId = sessionPublicId(hashOf(other));
    const end = await mine.request('DELETE', `/api/account/sessions/${otherId}`);
    expect(end.status).toBe(200);
    expect(await end.json()).toEqual({ ok: true, current: false });
    expect((await other.request('GET', '/api/auth/session')).status).toBe(401);
    expect((await mine.request('GET', '/api/auth/session')).status).toBe(200);
  });

  it('signs out every other session, keeping this one', async () => {
    const ada = await t.createAgent('agent');
    const here = await signedIn(ada);
    const a = await signedIn(ada);
    const b = await signedIn(ada);
    const res = await here.request('POST', '/api/account/sessions/end-others', {});
    expect(await res.json()).toEqual({ ok: true, sessions: 2 });
    expect((await a.request('GET', '/api/auth/session')).status).toBe(401);
    expect((await b.request('GET', '/api/auth/session')).status).toBe(401);
    expect((await here.request('GET', '/api/auth/session')).status).toBe(200);
  });
});

describe('display name', () => {
  it('changes the display name and refuses one that carries a card number', async () => {
    const ada = await signedIn(await t.createAgent('agent'));
    const res = await ada.request('PATCH', '/api/account', { name: 'Ada Lovelace' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { agent: { name: string } }).agent.name).toBe('Ada Lovelace');
    const bad = await ada.request('PATCH', '/api/account', { name: 'Ada 4242 4242 4242 4242' });
    expect(bad.status).toBe(400);
    const me = (await (await ada.request('GET', '/api/auth/session')).json()) as {
      agent: { name: string };
    };
    expect(me.agent.name).toBe('Ada Lovelace');
  });
});

describe('idle lock (issue 10 item 15)', () => {
  it('locks instead of ending: no data but the waiting count, which does not keep it alive; the password unlocks in place', async () => {
    const who = await t.createAgent('agent');
    const ada = await signedIn(who);
    await newVisitor(t.url, t.orgKey);
    const hash = hashOf(ada);
    const idleSince = Date.now() - 16 * 60_000;
    await t.server.store.sessions.touch(hash, idleSince);

    const data = await ada.request('GET', '/api/conversations');
    expect(data.status).toBe(423);
    expect(await errorCode(data)).toBe('session_locked');
    const info = (await (await ada.request('GET', '/api/auth/session')).json()) as {
      locked: boolean;
    };
    expect(info.locked).toBe(true);
    const waiting = await ada.request('GET', '/api/account/waiting');
    expect(waiting.status).toBe(200);
    expect(((await waiting.json()) as { waiting: number }).waiting).toBeGreaterThan(0);
    expect((await t.server.store.sessions.byTokenHash(hash))?.lastSeenAt).toBe(idleSince);
    for (const path of ['/api/account/sessions', '/api/agents', '/api/security/events'])
      expect((await ada.request('GET', path)).status, path).toBe(423);

    const wrong = await ada.request('POST', '/api/auth/unlock-session', {
      password: 'not it at all',
    });
    expect(wrong.status).toBe(401);
    const right = await ada.request('POST', '/api/auth/unlock-session', { password: who.password });
    expect(right.status).toBe(200);
    expect(((await right.json()) as { locked: boolean }).locked).toBe(false);
    // The same session, the same CSRF token: nothing in the console has to start again.
    expect(hashOf(ada)).toBe(hash);
    expect((await ada.request('GET', '/api/conversations')).status).toBe(200);
  });

  it('the console can lock at once; the absolute lifetime still ends a locked session', async () => {
    const who = await t.createAgent('agent');
    const ada = await signedIn(who);
    expect((await ada.request('POST', '/api/auth/lock', {})).status).toBe(200);
    expect((await ada.request('GET', '/api/conversations')).status).toBe(423);
    await t.server.store.db
      .updateTable('agent_sessions')
      .set({ expires_at: Date.now() - 1 })
      .where('token_hash', '=', hashOf(ada))
      .execute();
    expect((await ada.request('GET', '/api/auth/session')).status).toBe(401);
    expect(
      (await ada.request('POST', '/api/auth/unlock-session', { password: who.password })).status,
    ).toBe(401);
  });

  it('a locked session’s socket is refused', async () => {
    const ada = await signedIn(await t.createAgent('agent'));
    await ada.request('POST', '/api/auth/lock', {});
    await expect(ada.socket()).rejects.toThrow();
  });
});

describe('admin resets a password (issue 10 item 14)', () => {
  it('needs agent:manage, the same organisation and step-up; the one-time password works once signed in', async () => {
    const target = await t.createAgent('agent');
    const targetSession = await signedIn(target);
    const plain = await signedIn(await t.createAgent('agent'));
    expect(
      (await plain.request('POST', `/api/agents/${target.id}/password/reset`, {})).status,
    ).toBe(403);
    const otherOrg = await t.server.store.orgs.create({ name: 'Other', allowedOrigins: [] });
    const outsider = await t.createAgent('agent', otherOrg.id);
    const adminWho = await t.createAgent('admin');
    const boss = await signedIn(adminWho);
    // A fresh sign-in is itself a recent password proof; age it past the five minutes.
    await t.server.store.security.proveSession(t.orgId, hashOf(boss), {
      passwordAt: Date.now() - 6 * 60_000,
    });
    const noStepUp = await boss.request('POST', `/api/agents/${target.id}/password/reset`, {});
    expect(noStepUp.status).toBe(401);
    expect(await errorCode(noStepUp)).toBe('step_up_required');
    expect(
      (await boss.request('POST', '/api/auth/step-up', { password: adminWho.password })).status,
    ).toBe(200);
    expect(
      (await boss.request('POST', `/api/agents/${outsider.id}/password/reset`, {})).status,
    ).toBe(404);
    const res = await boss.request('POST', `/api/agents/${target.id}/password/reset`, {});
    expect(res.status).toBe(200);
    const { oneTimePassword, agent } = (await res.json()) as {
      oneTimePassword: string;
      agent: { id: string };
    };
    expect(agent.id).toBe(target.id);
    expect(oneTimePassword.length).toBeGreaterThanOrEqual(16);
    // The agent's sessions ended; the old password no longer works; the new one asks for a change.
    expect((await targetSession.request('GET', '/api/auth/session')).status).toBe(401);
    expect((await new AgentClient(t.url).login(target.email, target.password)).status).toBe(401);
    const fresh = await new AgentClient(t.url).login(target.email, oneTimePassword);
    expect(fresh.status).toBe(200);
    expect(((await fresh.json()) as { stage: string }).stage).toBe('password_change');
    const entries = await t.server.store.db
      .selectFrom('audit_log')
      .select(['action', 'resource_id'])
      .where('action', '=', 'agent.password_reset')
      .execute();
    expect(entries.map((e) => e.resource_id)).toContain(target.id);
  });
});
