import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticator } from 'otplib';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient } from '../../../test/clients';
import { sha256Hex } from '../../lib/tokens';
import { STEP_UP_MS } from './step-up';

const code = (secret: string, offset = 0) =>
  authenticator.clone({ epoch: Date.now() + offset * 30_000 }).generate(secret);
const errorCode = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ logLevel: 'warn' });
});
afterAll(async () => {
  await t.close();
});

/** Signs in with password and TOTP; returns the client and the agent's secret. */
async function signedInWithFactor(role: 'agent' | 'admin' = 'agent') {
  const agent = await t.createAgent(role);
  const secret = await t.enrolTotp(agent.id);
  const client = new AgentClient(t.url);
  await client.login(agent.email, agent.password);
  expect(
    (await client.request('POST', '/api/auth/mfa/verify', { code: code(secret, -1) })).status,
  ).toBe(200);
  return { agent, secret, client };
}

/** Ages the session's proofs past the step-up window, as five minutes of work would. */
async function ageProofs(client: AgentClient, orgId = t.orgId) {
  const token = decodeURIComponent(client.cookie.split('=')[1] ?? '');
  const old = Date.now() - STEP_UP_MS - 1000;
  await t.server.store.security.proveSession(orgId, sha256Hex(token), {
    passwordAt: old,
    factorAt: old,
  });
}

describe('step-up (issue 10 finding 3)', () => {
  it('regression: a session alone cannot regenerate recovery codes, remove MFA or start a new enrolment', async () => {
    const { client, secret, agent } = await signedInWithFactor();
    await ageProofs(client);
    for (const [method, path] of [
      ['POST', '/api/auth/mfa/recovery-codes'],
      ['DELETE', '/api/auth/mfa'],
      ['POST', '/api/auth/mfa/enrol'],
    ] as const)
      expect(await errorCode(await client.request(method, path)), path).toBe('step_up_required');

    // The password alone is not enough when a factor is enrolled.
    expect(
      await errorCode(
        await client.request('POST', '/api/auth/step-up', { password: agent.password }),
      ),
    ).toBe('invalid_mfa_code');
    expect(
      await errorCode(
        await client.request('POST', '/api/auth/step-up', {
          password: 'wrong password',
          code: code(secret),
        }),
      ),
    ).toBe('invalid_credentials');
    const ok = await client.request('POST', '/api/auth/step-up', {
      password: agent.password,
      code: code(secret, 1),
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { validUntil: number }).validUntil).toBeGreaterThan(Date.now());
    const regenerated = await client.request('POST', '/api/auth/mfa/recovery-codes');
    expect(regenerated.status).toBe(200);
    expect(((await regenerated.json()) as { recoveryCodes: string[] }).recoveryCodes).toHaveLength(
      10,
    );
  });

  it("regression: an admin needs step-up to reset a colleague's factor", async () => {
    const { client } = await signedInWithFactor('admin');
    const colleague = await t.createAgent('agent');
    await t.enrolTotp(colleague.id);
    await ageProofs(client);
    const res = await client.request('POST', `/api/agents/${colleague.id}/mfa/reset`);
    expect(await errorCode(res)).toBe('step_up_required');
    expect((await t.server.store.security.mfa(t.orgId, colleague.id))?.totpSecret).not.toBeNull();
  });

  it('regression: changing the password ends every other session and closes its sockets', async () => {
    const agent = await t.createAgent('agent');
    const here = new AgentClient(t.url);
    const there = new AgentClient(t.url);
    await here.login(agent.email, agent.password);
    await there.login(agent.email, agent.password);
    const socket = await there.socket();
    await socket.next('ready');
    const changed = await here.request('POST', '/api/auth/password', {
      currentPassword: agent.password,
      newPassword: 'violet kettle drums at noon',
    });
    expect(changed.status).toBe(200);
    expect(await socket.closed).toBe(4001);
    expect((await there.request('GET', '/api/auth/session')).status).toBe(401);
    expect((await here.request('GET', '/api/auth/session')).status).toBe(200);
  });
});
