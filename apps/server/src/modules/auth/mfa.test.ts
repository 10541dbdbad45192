import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticator } from 'otplib';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient } from '../../../test/clients';

/** A code for the time-step `offset` steps from now (the server accepts ±1). */
const code = (secret: string, offset = 0) =>
  authenticator.clone({ epoch: Date.now() + offset * 30_000 }).generate(secret);
const errorCode = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code;

// Routes a password-only session may use: finishing the sign-in, and leaving.
const SIGN_IN_ROUTES = new Set([
  'POST /api/auth/login',
  'GET /api/auth/session',
  'HEAD /api/auth/session',
  'POST /api/auth/logout',
  'POST /api/auth/mfa/verify',
  'POST /api/auth/mfa/enrol',
  'POST /api/auth/mfa/enrol/confirm',
  'POST /api/auth/password',
  // Anonymous, like sign-in: e-mailed unlock links (modules/account).
  'GET /api/auth/unlock-link',
  'HEAD /api/auth/unlock-link',
  'POST /api/auth/unlock-link',
  'POST /api/auth/unlock-link/use',
  'POST /api/auth/step-up',
  // Public: the proof-of-work challenge sign-in asks for after failures.
  'GET /api/auth/challenge',
  'HEAD /api/auth/challenge',
  // Anonymous sign-in with a passkey or through the organisation's OpenID provider.
  'POST /api/auth/passkey/options',
  'POST /api/auth/passkey/sign-in',
  'GET /api/auth/sso/start',
  'HEAD /api/auth/sso/start',
  'GET /api/auth/sso/callback',
  'HEAD /api/auth/sso/callback',
  // Called by the OpenID provider, authenticated by its signed logout token.
  'POST /api/auth/sso/backchannel-logout/:orgId',
  // The second factor of this sign-in: a passkey instead of a TOTP code.
  'POST /api/auth/passkey/verify/options',
  'POST /api/auth/passkey/verify',
]);
// Enrolling a passkey is enrolling the second factor: open to a session that must enrol, refused
// (mfa_required) to one that must verify the factor it already has.
const ENROL_ROUTES = new Set(['POST /api/auth/passkeys/options', 'POST /api/auth/passkeys']);
// Not agent routes: visitors (bearer token), the widget's public config, the API's
// description (docs/api.md), web assets.
const isPublic = (url: string) =>
  !url.startsWith('/api/') ||
  url.startsWith('/api/visitor/') ||
  url.startsWith('/api/widget/') ||
  url === '/api/openapi.json';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ productionMfa: true, logLevel: 'warn' });
});
afterAll(async () => {
  await t.close();
});

describe('MFA required for admins (the default policy)', () => {
  it('lets a password-only admin session reach no route but the sign-in ones, route by route', async () => {
    const enrolling = new AgentClient(t.url);
    const login = await enrolling.login(t.admin.email, t.admin.password);
    expect(((await login.json()) as { stage: string }).stage).toBe('mfa_enrol');
    const second = await t.createAgent('admin');
    await t.enrolTotp(second.id);
    const verifying = new AgentClient(t.url);
    expect(
      ((await (await verifying.login(second.email, second.password)).json()) as { stage: string })
        .stage,
    ).toBe('mfa_verify');

    const routes = t.server.app.parleyRoutes.filter(
      (r) => !isPublic(r.url) && !SIGN_IN_ROUTES.has(`${r.method} ${r.url}`),
    );
    expect(routes.length).toBeGreaterThan(15);
    const checked: string[] = [];
    for (const client of [enrolling, verifying]) {
      for (const r of routes) {
        if (client === enrolling && ENROL_ROUTES.has(`${r.method} ${r.url}`)) continue;
        const path = r.url.replace(/:[A-Za-z]+/g, 'x').replace(/\*/g, 'x');
        const res = await client.request(
          r.method,
          path,
          r.method === 'GET' || r.method === 'HEAD' || r.method === 'DELETE' ? undefined : {},
        );
        expect([401, 403], `${r.method} ${r.url}`).toContain(res.status);
        if (r.method !== 'HEAD')
          expect(await errorCode(res), `${r.method} ${r.url}`).toBe('mfa_required');
        checked.push(`${r.method} ${r.url}`);
      }
    }
    expect(checked.length).toBe(routes.length * 2 - ENROL_ROUTES.size);
    // And no socket.
    await expect(enrolling.socket()).rejects.toThrow(/401/);
    await expect(verifying.socket()).rejects.toThrow(/401/);
  });

  it('enrols with a QR code, shows recovery codes once, then signs in with TOTP; a used code is refused', async () => {
    const admin = await t.createAgent('admin');
    const a = new AgentClient(t.url);
    await a.login(admin.email, admin.password);
    const enrol = (await (await a.request('POST', '/api/auth/mfa/enrol', {})).json()) as {
      secret: string;
      qrDataUrl: string;
      otpauthUrl: string;
    };
    expect(enrol.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(enrol.otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    expect(
      await errorCode(
        await a.request('POST', '/api/auth/mfa/enrol/confirm', {
          code: '000000' === code(enrol.secret) ? '111111' : '000000',
        }),
      ),
    ).toBe('invalid_mfa_code');
    const confirmed = (await (
      await a.request('POST', '/api/auth/mfa/enrol/confirm', { code: code(enrol.secret) })
    ).json()) as { recoveryCodes: string[]; session: { stage: string } };
    expect(confirmed.recoveryCodes).toHaveLength(10);
    expect(confirmed.session.stage).toBe('ok');
    expect((await a.request('GET', '/api/conversations')).status).toBe(200);
    expect((await a.socket()).ws.readyState).toBeLessThanOrEqual(1);

    // The code used for enrolment cannot sign in again.
    const b = new AgentClient(t.url);
    await b.login(admin.email, admin.password);
    expect(
      await errorCode(
        await b.request('POST', '/api/auth/mfa/verify', { code: code(enrol.secret) }),
      ),
    ).toBe('invalid_mfa_code');
    const beforeSecondStep = b.cookie;
    const next = await b.request('POST', '/api/auth/mfa/verify', { code: code(enrol.secret, 1) });
    expect(next.status).toBe(200);
    expect(((await next.json()) as { stage: string }).stage).toBe('ok');
    // The second factor renews the session id; the password-only id is dead.
    expect(b.cookie).not.toBe(beforeSecondStep);
    const stale = await fetch(`${t.url}/api/auth/session`, {
      headers: { cookie: beforeSecondStep },
    });
    expect(stale.status).toBe(401);
    expect((await b.request('GET', '/api/conversations')).status).toBe(200);

    // A recovery code works once.
    const recovery = confirmed.recoveryCodes[0] ?? '';
    const c = new AgentClient(t.url);
    await c.login(admin.email, admin.password);
    expect((await c.request('POST', '/api/auth/mfa/verify', { code: recovery })).status).toBe(200);
    const d = new AgentClient(t.url);
    await d.login(admin.email, admin.password);
    expect(
      await errorCode(await d.request('POST', '/api/auth/mfa/verify', { code: recovery })),
    ).toBe('invalid_mfa_code');

    // The failures became security events and audit entries; codes are never logged.
    const events = (await (
      await a.request('GET', '/api/security/events?type=mfa_failed')
    ).json()) as { counts: Record<string, number> };
    expect(events.counts.mfa_failed).toBeGreaterThanOrEqual(3);
    expect(t.logs.join('')).not.toContain(recovery);
    expect(t.logs.join('')).not.toContain(enrol.secret);
  });

  it('switches the policy to everyone: an agent then must enrol before anything else', async () => {
    const admin = await t.createAgent('admin');
    const secret = await t.enrolTotp(admin.id);
    const a = new AgentClient(t.url);
    await a.login(admin.email, admin.password);
    const v = await a.request('POST', '/api/auth/mfa/verify', { code: code(secret, -1) });
    expect(v.status, await v.clone().text()).toBe(200);
    const put = await a.request('PUT', '/api/security/settings', { mfaPolicy: 'all' });
    expect(put.status, await put.clone().text()).toBe(200);
    expect((await a.request('PUT', '/api/security/settings', { mfaPolicy: 'none' })).status).toBe(
      400,
    );
    const agent = await t.createAgent('agent');
    const b = new AgentClient(t.url);
    expect(
      ((await (await b.login(agent.email, agent.password)).json()) as { stage: string }).stage,
    ).toBe('mfa_enrol');
    expect(await errorCode(await b.request('GET', '/api/conversations'))).toBe('mfa_required');
    expect((await a.request('PUT', '/api/security/settings', { mfaPolicy: 'admins' })).status).toBe(
      200,
    );
  });
});
