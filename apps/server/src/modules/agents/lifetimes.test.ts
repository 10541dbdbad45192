import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor } from '../../../test/clients';
import { sha256Hex } from '../../lib/tokens';

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
const errorCode = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code;

describe('lifetimes (issue 10 finding 11)', () => {
  it('regression: an invite one-time password stops working after 72 hours', async () => {
    const res = await admin.request('POST', '/api/agents', {
      email: 'late@parley.test',
      name: 'Late',
      role: 'agent',
    });
    const { agent, oneTimePassword } = (await res.json()) as {
      agent: { id: string };
      oneTimePassword: string;
    };
    const mfa = await t.server.store.security.mfa(t.orgId, agent.id);
    expect(mfa?.otpExpiresAt).toBeGreaterThan(Date.now() + 71 * 3_600_000);
    expect(mfa?.otpExpiresAt).toBeLessThanOrEqual(Date.now() + 72 * 3_600_000);
    // Three days pass.
    await t.server.store.security.setOneTimePasswordExpiry(t.orgId, agent.id, Date.now() - 1);
    const late = await new AgentClient(t.url).login('late@parley.test', oneTimePassword);
    expect(late.status).toBe(401);
    expect(await errorCode(late)).toBe('invite_expired');
  });

  it('regression: a visitor token dies 24 hours after its conversation closed', async () => {
    const v = await newVisitor(t.url, t.orgKey);
    const asVisitor = () =>
      fetch(`${t.url}/api/visitor/conversations`, {
        headers: { authorization: `Bearer ${v.token}` },
      });
    await admin.request('POST', `/api/conversations/${v.conversationId}/accept`);
    expect(
      (await admin.request('POST', `/api/conversations/${v.conversationId}/close`)).status,
    ).toBe(200);
    expect((await asVisitor()).status).toBe(200);
    // 25 hours later.
    await t.server.store.db
      .updateTable('conversations')
      .set({ closed_at: Date.now() - 25 * 3_600_000 })
      .where('id', '=', v.conversationId)
      .execute();
    expect((await asVisitor()).status).toBe(401);
  });

  it('regression (finding 9): inviting an address of another organisation answers exactly like a fresh address', async () => {
    const otherOrg = await t.server.store.orgs.create({ name: 'Elsewhere', allowedOrigins: [] });
    const outsider = await t.createAgent('agent', otherOrg.id);
    const ask = async (email: string) => {
      const started = performance.now();
      const res = await admin.request('POST', '/api/agents', { email, name: 'X', role: 'agent' });
      return { res, ms: performance.now() - started };
    };
    const shape = (body: unknown) =>
      JSON.parse(
        JSON.stringify(body, (k, v: unknown) =>
          typeof v === 'string' && k !== 'name' && k !== 'role'
            ? 's'
            : typeof v === 'number'
              ? 0
              : v,
        ),
      ) as unknown;
    const fresh: number[] = [];
    const elsewhere: number[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await ask(`fresh-${i}-${Math.random().toString(36).slice(2)}@parley.test`);
      const b = await ask(outsider.email);
      expect(b.res.status).toBe(a.res.status);
      expect(b.res.status).toBe(201);
      const [ab, bb] = [await a.res.json(), await b.res.json()];
      expect(shape(bb)).toEqual(shape(ab));
      expect(Object.keys((bb as { agent: object }).agent).sort()).toEqual(
        Object.keys((ab as { agent: object }).agent).sort(),
      );
      fresh.push(a.ms);
      elsewhere.push(b.ms);
    }
    // Same timing class: both pay the Argon2 hash of a one-time password.
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[1] ?? 0;
    expect(median(elsewhere)).toBeGreaterThan(median(fresh) / 4);
    expect(median(elsewhere)).toBeLessThan(median(fresh) * 4);
    // Nothing was created and the other organisation's agent is untouched.
    const other = await t.server.store.agents.byEmail(outsider.email);
    expect(other?.orgId).toBe(otherOrg.id);
    const mine = await t.server.store.agents.list(t.orgId);
    expect(mine.some((a) => a.email === outsider.email)).toBe(false);
  });

  it('an address already in this organisation is a conflict', async () => {
    const insider = await t.createAgent('agent');
    const res = await admin.request('POST', '/api/agents', {
      email: insider.email,
      name: 'X',
      role: 'agent',
    });
    expect(res.status).toBe(409);
  });

  it("applies the organisation's idle timeout (PCI DSS 8.2.8) and tells the console", async () => {
    const agent = await t.createAgent('agent');
    const client = new AgentClient(t.url);
    const info = (await (await client.login(agent.email, agent.password)).json()) as {
      idleMinutes: number;
    };
    expect(info.idleMinutes).toBe(15);
    const hash = sha256Hex(decodeURIComponent(client.cookie.split('=')[1] ?? ''));
    await t.server.store.sessions.touch(hash, Date.now() - 6 * 60_000);
    expect((await client.request('GET', '/api/auth/session')).status).toBe(200);
    expect((await admin.request('PUT', '/api/security/settings', { idleMinutes: 5 })).status).toBe(
      200,
    );
    await t.server.store.sessions.touch(hash, Date.now() - 6 * 60_000);
    // Past the idle timeout the session locks in place (issue 10 item 15) instead of ending.
    const locked = await client.request('GET', '/api/auth/session');
    expect(locked.status).toBe(200);
    expect(((await locked.json()) as { locked: boolean }).locked).toBe(true);
    expect((await client.request('GET', '/api/conversations')).status).toBe(423);
    await admin.request('PUT', '/api/security/settings', { idleMinutes: 15 });
  });
});
