import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient } from '../../../test/clients';
import { SoftAuthenticator } from '../../../test/soft-authenticator';
import { sha256Hex } from '../../lib/tokens';
import { isSealed } from '../security';
import { STEP_UP_MS } from './step-up';

interface Opts {
  challengeId: string;
  options: { challenge: string; user?: { id: string } };
}
const errorCode = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ logLevel: 'warn' });
});
afterAll(async () => {
  await t.close();
});

async function signedIn(role: 'agent' | 'admin' = 'agent') {
  const agent = await t.createAgent(role);
  const client = new AgentClient(t.url);
  expect((await client.login(agent.email, agent.password)).status).toBe(200);
  return { agent, client };
}

async function register(client: AgentClient, auth: SoftAuthenticator, name = 'Laptop') {
  const optsRes = await client.request('POST', '/api/auth/passkeys/options', {});
  expect(optsRes.status).toBe(200);
  const o = (await optsRes.json()) as Opts;
  return client.request('POST', '/api/auth/passkeys', {
    challengeId: o.challengeId,
    name,
    response: auth.create(o.options),
  });
}

/** Passwordless sign-in in a fresh client; returns the response and the client. */
async function passkeySignIn(
  auth: SoftAuthenticator,
  get: (o: Opts) => unknown = (o) => auth.get(o.options),
) {
  const client = new AgentClient(t.url);
  const o = (await (await client.request('POST', '/api/auth/passkey/options', {})).json()) as Opts;
  const res = await client.request('POST', '/api/auth/passkey/sign-in', {
    challengeId: o.challengeId,
    response: await get(o),
  });
  if (res.ok) client.csrf = ((await res.clone().json()) as { csrfToken: string }).csrfToken;
  return { res, client, o };
}

async function auditActions(agentId: string) {
  return t.server.store.db
    .selectFrom('audit_log')
    .select(['action', 'outcome', 'detail'])
    .where('actor_id', '=', agentId)
    .orderBy('seq')
    .execute();
}

describe('passkeys', () => {
  it('registers a named passkey (public key sealed at rest), lists it, and signs in with it alone', async () => {
    const { agent, client } = await signedIn();
    const auth = new SoftAuthenticator(t.url);
    const reg = await register(client, auth, 'Work laptop');
    expect(reg.status).toBe(200);
    const list = (await (await client.request('GET', '/api/auth/passkeys')).json()) as {
      passkeys: { name: string }[];
    };
    expect(list.passkeys.map((p) => p.name)).toEqual(['Work laptop']);
    const [row] = await t.server.store.identity.passkeys(t.orgId, agent.id);
    expect(row && isSealed(row.publicKey)).toBe(true);

    const { res, client: fresh } = await passkeySignIn(auth);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { stage: string }).stage).toBe('ok');
    const session = await fresh.request('GET', '/api/auth/session');
    expect(((await session.json()) as { agent: { id: string } }).agent.id).toBe(agent.id);
    const actions = await auditActions(agent.id);
    expect(actions.map((a) => `${a.action}:${a.outcome}`)).toContain('passkey.register:success');
    expect(actions.some((a) => a.action === 'auth.sign_in' && a.detail.includes('passkey'))).toBe(
      true,
    );
  });

  it('a registered passkey becomes the second factor of a password sign-in', async () => {
    const { agent, client } = await signedIn();
    const auth = new SoftAuthenticator(t.url);
    expect((await register(client, auth)).status).toBe(200);
    const second = new AgentClient(t.url);
    const login = await second.login(agent.email, agent.password);
    expect(((await login.json()) as { stage: string }).stage).toBe('mfa_verify');
    expect((await second.request('GET', '/api/conversations')).status).toBe(401);
    const o = (await (
      await second.request('POST', '/api/auth/passkey/verify/options', {})
    ).json()) as Opts;
    const before = second.cookie;
    const res = await second.request('POST', '/api/auth/passkey/verify', {
      challengeId: o.challengeId,
      response: auth.get(o.options),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { stage: string }).stage).toBe('ok');
    expect(second.cookie).not.toBe(before);
  });

  it('registering and removing need step-up (a factor change)', async () => {
    const { client } = await signedIn();
    const auth = new SoftAuthenticator(t.url);
    expect((await register(client, auth)).status).toBe(200);
    const [pk] = (
      (await (await client.request('GET', '/api/auth/passkeys')).json()) as {
        passkeys: { id: string }[];
      }
    ).passkeys;
    const token = decodeURIComponent(client.cookie.split('=')[1] ?? '');
    const old = Date.now() - STEP_UP_MS - 1000;
    await t.server.store.security.proveSession(t.orgId, sha256Hex(token), {
      passwordAt: old,
      factorAt: old,
    });
    const opts = await client.request('POST', '/api/auth/passkeys/options', {});
    expect(await errorCode(opts)).toBe('step_up_required');
    const del = await client.request('DELETE', `/api/auth/passkeys/${pk?.id}`);
    expect(await errorCode(del)).toBe('step_up_required');
    // Step-up with the passkey itself proves both factors again.
    const o = (await (
      await client.request('POST', '/api/auth/passkey/verify/options', {})
    ).json()) as Opts;
    expect(
      (
        await client.request('POST', '/api/auth/passkey/verify', {
          challengeId: o.challengeId,
          response: auth.get(o.options),
        })
      ).status,
    ).toBe(200);
    expect((await client.request('DELETE', `/api/auth/passkeys/${pk?.id}`)).status).toBe(200);
  });

  it('a challenge is single-use and expires', async () => {
    const { client } = await signedIn();
    const auth = new SoftAuthenticator(t.url);
    await register(client, auth);
    const { res, o } = await passkeySignIn(auth);
    expect(res.status).toBe(200);
    const replay = await new AgentClient(t.url).request('POST', '/api/auth/passkey/sign-in', {
      challengeId: o.challengeId,
      response: auth.get(o.options),
    });
    expect(await errorCode(replay)).toBe('passkey_failed');
    const { res: expired } = await passkeySignIn(auth, async (opt) => {
      await t.server.store.db
        .updateTable('webauthn_challenges')
        .set({ expires_at: 1 })
        .where('id', '=', opt.challengeId)
        .execute();
      return auth.get(opt.options);
    });
    expect(await errorCode(expired)).toBe('passkey_failed');
  });

  it('refuses a cloned authenticator (counter that does not grow) and reports it', async () => {
    const { agent, client } = await signedIn();
    const auth = new SoftAuthenticator(t.url);
    await register(client, auth);
    expect((await passkeySignIn(auth, (o) => auth.get(o.options, { counter: 5 }))).res.status).toBe(
      200,
    );
    const clone = await passkeySignIn(auth, (o) => auth.get(o.options, { counter: 5 }));
    expect(await errorCode(clone.res)).toBe('passkey_failed');
    const events = await t.server.store.security.events(t.orgId, {
      type: 'passkey_clone',
      limit: 10,
    });
    expect(events.some((e) => e.agentId === agent.id)).toBe(true);
  });

  it('refuses an assertion made for another origin (phishing) or with a bad signature; failures are counted and lock', async () => {
    const { client } = await signedIn();
    const auth = new SoftAuthenticator(t.url);
    await register(client, auth);
    const phished = await passkeySignIn(auth, (o) =>
      auth.get(o.options, { origin: 'https://parley.evil.example' }),
    );
    expect(await errorCode(phished.res)).toBe('passkey_failed');
    for (let i = 0; i < 9; i++) {
      const forged = await passkeySignIn(auth, (o) =>
        auth.get(o.options, { forgeSignature: true }),
      );
      expect(await errorCode(forged.res)).toBe('passkey_failed');
    }
    // Ten failures lock the account like wrong passwords do (PCI DSS 8.3.4).
    const locked = await passkeySignIn(auth);
    expect(await errorCode(locked.res)).toBe('account_locked');
  });

  it('an admin cannot require passkeys for admins from a session without one (no lock-out)', async () => {
    const { client } = await signedIn('admin');
    const res = await client.request('PUT', '/api/settings/sso', { requirePasskeyForAdmins: true });
    expect(await errorCode(res)).toBe('phishing_resistant_required');
    const auth = new SoftAuthenticator(t.url);
    expect((await register(client, auth)).status).toBe(200);
    const ok = await client.request('PUT', '/api/settings/sso', { requirePasskeyForAdmins: true });
    expect(ok.status).toBe(200);
    await t.server.store.identity.saveSettings(
      t.orgId,
      { requirePasskeyForAdmins: false },
      Date.now(),
    );
  });

  it('with "phishing-resistant factor for admins", an admin needs a passkey session for admin actions', async () => {
    await t.server.store.identity.saveSettings(
      t.orgId,
      { requirePasskeyForAdmins: true },
      Date.now(),
    );
    try {
      const { client } = await signedIn('admin');
      expect(await errorCode(await client.request('GET', '/api/agents'))).toBe(
        'phishing_resistant_required',
      );
      // Non-admin routes still work, so the admin can register a passkey.
      expect((await client.request('GET', '/api/conversations')).status).toBe(200);
      const auth = new SoftAuthenticator(t.url);
      expect((await register(client, auth)).status).toBe(200);
      const { res, client: pk } = await passkeySignIn(auth);
      expect(res.status).toBe(200);
      expect((await pk.request('GET', '/api/agents')).status).toBe(200);
    } finally {
      await t.server.store.identity.saveSettings(
        t.orgId,
        { requirePasskeyForAdmins: false },
        Date.now(),
      );
    }
  });
});
