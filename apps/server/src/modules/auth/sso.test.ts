import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, generateKeyPair } from 'jose';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient } from '../../../test/clients';
import { Browser, startTestIdp, type TestIdp } from '../../../test/oidc-idp';
import { sha256Hex } from '../../lib/tokens';
import { isSealed } from '../security';

let t: TestServer;
let idp: TestIdp;
let admin: AgentClient;

beforeAll(async () => {
  t = await startTestServer({ logLevel: 'warn', env: { PARLEY_OIDC_ALLOW_HTTP: '1' } });
  idp = await startTestIdp({
    redirectUri: `${t.url}/api/auth/sso/callback`,
    backchannelLogoutUri: `${t.url}/api/auth/sso/backchannel-logout/${t.orgId}`,
  });
  admin = new AgentClient(t.url);
  expect((await admin.login(t.admin.email, t.admin.password)).status).toBe(200);
  const res = await admin.request('PUT', '/api/settings/sso', {
    enabled: true,
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    scopes: 'openid email profile groups',
    roleClaim: 'groups',
    roleMap: { 'parley-admins': 'admin', 'support-leads': 'supervisor' },
    defaultRole: 'agent',
    jit: true,
    mfaAmr: ['mfa', 'otp', 'hwk'],
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { backchannelLogoutUri: string; clientSecretSet: boolean };
  expect(body.clientSecretSet).toBe(true);
  expect(body.backchannelLogoutUri).toBe(`${t.url}/api/auth/sso/backchannel-logout/${t.orgId}`);
});
afterAll(async () => {
  await idp?.close();
  await t?.close();
});

let n = 0;
function account(groups: string[], amr: string[] = ['pwd', 'otp']) {
  n += 1;
  const login = `idp-user-${n}-${Math.random().toString(36).slice(2, 8)}`;
  const a = {
    password: `idp password ${n}`,
    email: `${login}@idp.test`,
    name: `IdP User ${n}`,
    groups,
    amr,
  };
  idp.accounts.set(login, a);
  return { login, ...a };
}

/** Drives the whole authorization-code flow over HTTP, submitting the IdP's login form. */
async function ssoSignIn(login: string, password: string) {
  const browser = new Browser();
  const atIdpForm = (u: string) => u.startsWith(`${idp.issuer}/interaction/`);
  const start = await browser.go(
    `${t.url}/api/auth/sso/start?organisation=${t.orgKey}`,
    {},
    atIdpForm,
  );
  expect(atIdpForm(start.url)).toBe(true);
  const form = await browser.go(start.url);
  const html = await form.res.text();
  const action = /action="([^"]+)"/.exec(html)?.[1];
  expect(action).toBeDefined();
  let callbackUrl = '';
  const end = await browser.go(
    new URL(action ?? '', idp.issuer).toString(),
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login, password }).toString(),
    },
    (u) => {
      if (u.startsWith(`${t.url}/api/auth/sso/callback`)) callbackUrl = u;
      return u.startsWith(t.url) && !u.includes('/api/');
    },
  );
  const client = new AgentClient(t.url);
  client.cookie = browser.cookieFor(t.url);
  const session = await client.request('GET', '/api/auth/session');
  return { end: end.url, client, session, callbackUrl, browser };
}

async function sessionOf(client: AgentClient) {
  const res = await client.request('GET', '/api/auth/session');
  return res.ok
    ? ((await res.json()) as {
        stage: string;
        csrfToken: string;
        agent: { id: string; role: string; email: string };
      })
    : undefined;
}

describe('single sign-on with OpenID Connect (real oidc-provider)', () => {
  it('stores the client secret sealed', async () => {
    const s = await t.server.store.identity.settings(t.orgId);
    expect(s.sso.clientSecret && isSealed(s.sso.clientSecret)).toBe(true);
  });

  it('signs in through the IdP with PKCE, state and nonce; provisions the agent just in time with the mapped role', async () => {
    const a = account(['parley-admins']);
    const { end, client } = await ssoSignIn(a.login, a.password);
    expect(end).toBe(`${t.url}/`);
    const s = await sessionOf(client);
    expect(s?.agent.email).toBe(a.email);
    expect(s?.agent.role).toBe('admin');
    expect(s?.stage).toBe('ok');
    const provisioned = await t.server.store.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('org_id', '=', t.orgId)
      .where('action', '=', 'agent.provision')
      .where('resource_id', '=', s?.agent.id ?? '')
      .execute();
    expect(provisioned).toHaveLength(1);

    const lead = account(['support-leads', 'everyone']);
    expect((await sessionOf((await ssoSignIn(lead.login, lead.password)).client))?.agent.role).toBe(
      'supervisor',
    );
    const plain = account(['everyone']);
    expect(
      (await sessionOf((await ssoSignIn(plain.login, plain.password)).client))?.agent.role,
    ).toBe('agent');
  });

  it("the IdP's amr satisfies the MFA policy only when it names a configured method; otherwise Parley's MFA applies", async () => {
    await t.server.store.security.updateSettings(t.orgId, { mfaPolicy: 'all' }, Date.now());
    try {
      const strong = account(['everyone'], ['pwd', 'otp']);
      expect(
        (await sessionOf((await ssoSignIn(strong.login, strong.password)).client))?.stage,
      ).toBe('ok');
      const weak = account(['everyone'], ['pwd']);
      expect((await sessionOf((await ssoSignIn(weak.login, weak.password)).client))?.stage).toBe(
        'mfa_enrol',
      );
    } finally {
      await t.server.store.security.updateSettings(t.orgId, { mfaPolicy: 'none' }, Date.now());
    }
  });

  it('a callback is good once: replaying state and code is refused', async () => {
    const a = account(['everyone']);
    const { callbackUrl, browser } = await ssoSignIn(a.login, a.password);
    expect(callbackUrl).not.toBe('');
    const replay = await browser.go(callbackUrl, {}, () => true);
    expect(replay.url).toBe(`${t.url}/?sso_error=sso_failed`);
  });

  it("back-channel logout from the IdP ends the user's Parley sessions and closes their sockets", async () => {
    const a = account(['everyone']);
    const { client } = await ssoSignIn(a.login, a.password);
    const s = await sessionOf(client);
    expect(s).toBeDefined();
    const socket = await client.socket();
    const token = decodeURIComponent(client.cookie.split('=')[1]?.split(';')[0] ?? '');
    const identity = await t.server.store.identity.sessionIdentity(sha256Hex(token));
    expect(identity?.method).toBe('oidc');
    expect(identity?.oidcSid).toBeTruthy();
    // The provider itself signs the logout token and posts it to backchannel_logout_uri.
    const rp = (await idp.provider.Client.find(idp.clientId)) as unknown as {
      backchannelLogout(sub: string, sid: string): Promise<void>;
    };
    await rp.backchannelLogout(a.login, identity?.oidcSid ?? '');
    expect(await socket.closed).toBe(4001);
    expect((await client.request('GET', '/api/auth/session')).status).toBe(401);
  });

  it('a forged logout token (not signed by the IdP) is refused and ends nothing', async () => {
    const a = account(['everyone']);
    const { client } = await ssoSignIn(a.login, a.password);
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      jti: 'forged-1',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'logout+jwt' })
      .setIssuer(idp.issuer)
      .setAudience(idp.clientId)
      .setSubject(a.login)
      .setIssuedAt()
      .sign(privateKey);
    const res = await fetch(`${t.url}/api/auth/sso/backchannel-logout/${t.orgId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: forged }).toString(),
    });
    expect(res.status).toBe(400);
    expect((await client.request('GET', '/api/auth/session')).status).toBe(200);
  });

  it('the allowlist applies to SSO sign-ins', async () => {
    await t.server.store.security.updateSettings(
      t.orgId,
      { ipAllowlist: ['10.0.0.0/8'] },
      Date.now(),
    );
    try {
      const a = account(['everyone']);
      const { end, session } = await ssoSignIn(a.login, a.password);
      expect(end).toBe(`${t.url}/?sso_error=ip_not_allowed`);
      expect(session.status).toBe(401);
    } finally {
      await t.server.store.security.updateSettings(t.orgId, { ipAllowlist: [] }, Date.now());
    }
  });
});
