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

  it('regression (finding 9): inviting an address of another organisation answers like one of this organisation', async () => {
    const otherOrg = await t.server.store.orgs.create({ name: 'Elsewhere', allowedOrigins: [] });
    const outsider = await t.createAgent('agent', otherOrg.id);
    const insider = await t.createAgent('agent');
    const ask = (email: string) =>
      admin.request('POST', '/api/agents', { email, name: 'X', role: 'agent' });
    const a = await ask(outsider.email);
    const b = await ask(insider.email);
    expect(a.status).toBe(b.status);
    expect(await a.json()).toEqual(await b.json());
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
    expect((await client.request('GET', '/api/auth/session')).status).toBe(401);
    await admin.request('PUT', '/api/security/settings', { idleMinutes: 15 });
  });
});
