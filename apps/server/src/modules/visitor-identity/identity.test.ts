import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, TestSocket } from '../../../test/clients';

let t: TestServer;
let admin: AgentClient;
let secret: string;
const ISSUER = 'https://shop.example';

beforeAll(async () => {
  t = await startTestServer();
  admin = new AgentClient(t.url);
  await admin.login(t.admin.email, t.admin.password);
});
afterAll(async () => {
  await t.close();
});

/** Signs like the host website's backend does (docs/widget.md). */
async function hsToken(
  claims: Record<string, unknown> = {},
  opts: { key?: string; iat?: number; exp?: number; aud?: string; iss?: string; jti?: string } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: 'ada@example.com', name: 'Ada Lovelace', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject((claims.sub as string | undefined) ?? 'user-42')
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? t.orgKey)
    .setIssuedAt(opts.iat ?? now)
    .setExpirationTime(opts.exp ?? now + 300)
    .setJti(opts.jti ?? randomUUID())
    .sign(new TextEncoder().encode(opts.key ?? secret));
}

async function session(identity?: string, name?: string) {
  const res = await fetch(`${t.url}/api/visitor/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      orgKey: t.orgKey,
      ...(name ? { name } : {}),
      ...(identity ? { identity } : {}),
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const errCode = (b: Record<string, unknown>) => (b.error as { code: string } | undefined)?.code;

async function forgedEvents(): Promise<number> {
  return (await t.server.store.security.events(t.orgId, { type: 'identity_forged', limit: 500 }))
    .length;
}

describe('verified visitors (identity tokens)', () => {
  it('refuses to turn verification on without a key, then works with a generated HS256 secret', async () => {
    const off = await admin.request('PUT', '/api/settings/visitor-identity', {
      mode: 'optional',
      algorithm: 'HS256',
      issuer: ISSUER,
    });
    expect(off.status).toBe(400);
    const rotated = await admin.request('POST', '/api/settings/visitor-identity/secret', {});
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    secret = ((await rotated.json()) as { secret: string }).secret;
    expect(secret.length).toBeGreaterThanOrEqual(40);
    const on = await admin.request('PUT', '/api/settings/visitor-identity', {
      mode: 'optional',
      algorithm: 'HS256',
      issuer: ISSUER,
    });
    expect(on.status).toBe(200);
    const got = (await (
      await admin.request('GET', '/api/settings/visitor-identity')
    ).json()) as Record<string, unknown>;
    expect(got).toMatchObject({ mode: 'optional', hasSecret: true, audience: t.orgKey });
    expect(JSON.stringify(got)).not.toContain(secret);
    const audit = await t.server.store.audit.list(t.orgId, {
      action: 'settings.visitor_identity',
      limit: 5,
    });
    expect(audit[0]).toMatchObject({ outcome: 'success' });
  });

  it('binds a valid token to the visitor; the agent sees the badge, the verified name and e-mail', async () => {
    const s = await session(await hsToken({ sub: 'user-badge' }), 'Typed Name');
    expect(s.status).toBe(200);
    expect(s.body.verified).toBe(true);
    const conv = (await (
      await fetch(`${t.url}/api/visitor/conversations`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${s.body.token as string}`,
        },
        body: '{}',
      })
    ).json()) as { id: string };
    const list = (await (await admin.request('GET', '/api/conversations')).json()) as {
      conversations: { id: string; visitor: { verified: boolean; name: string | null } }[];
    };
    const row = list.conversations.find((c) => c.id === conv.id);
    expect(row?.visitor).toMatchObject({ verified: true, name: 'Ada Lovelace' });
    const id = (await (
      await admin.request('GET', `/api/conversations/${conv.id}/visitor-identity`)
    ).json()) as Record<string, unknown>;
    expect(id).toMatchObject({ verified: true, sub: 'user-badge', email: 'ada@example.com' });
    // Stored sealed: neither the e-mail nor the user id is in the table in clear.
    const raw = await t.server.store.db.selectFrom('visitor_identities').selectAll().execute();
    expect(JSON.stringify(raw)).not.toContain('ada@example.com');
    expect(JSON.stringify(raw)).not.toContain('user-badge');
  });

  it('follows one customer across devices: a second browser gets the same visitor and conversations', async () => {
    const a = await session(await hsToken({ sub: 'user-devices' }));
    const b = await session(await hsToken({ sub: 'user-devices' }));
    expect(a.body.visitorId).toBe(b.body.visitorId);
    expect(a.body.token).not.toBe(b.body.token);
    const conv = (await (
      await fetch(`${t.url}/api/visitor/conversations`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${a.body.token as string}`,
        },
        body: '{}',
      })
    ).json()) as { id: string };
    const seen = (await (
      await fetch(`${t.url}/api/visitor/conversations`, {
        headers: { authorization: `Bearer ${b.body.token as string}` },
      })
    ).json()) as { conversations: { id: string }[] };
    expect(seen.conversations.map((c) => c.id)).toContain(conv.id);
    const other = await session(await hsToken({ sub: 'someone-else' }));
    expect(other.body.visitorId).not.toBe(a.body.visitorId);
  });

  it('refuses forged, expired, replayed, foreign-audience and wrong-issuer tokens, each a security event', async () => {
    const before = await forgedEvents();
    const forged = await session(await hsToken({}, { key: 'not-the-secret-'.repeat(3) }));
    expect([forged.status, errCode(forged.body)]).toEqual([401, 'identity_invalid']);
    const past = Math.floor(Date.now() / 1000) - 1000;
    const expired = await session(await hsToken({}, { iat: past - 60, exp: past }));
    expect([expired.status, errCode(expired.body)]).toEqual([401, 'identity_expired']);
    const jti = randomUUID();
    const once = await hsToken({ sub: 'user-replay' }, { jti });
    expect((await session(once)).status).toBe(200);
    const replay = await session(once);
    expect([replay.status, errCode(replay.body)]).toEqual([401, 'identity_replayed']);
    const foreign = await session(await hsToken({}, { aud: 'pk_another_org' }));
    expect([foreign.status, errCode(foreign.body)]).toEqual([401, 'identity_invalid']);
    const iss = await session(await hsToken({}, { iss: 'https://evil.example' }));
    expect([iss.status, errCode(iss.body)]).toEqual([401, 'identity_invalid']);
    const now = Math.floor(Date.now() / 1000);
    const long = await session(await hsToken({}, { iat: now, exp: now + 86_400 }));
    expect([long.status, errCode(long.body)]).toEqual([401, 'identity_invalid']);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ sub: 'x', iss: ISSUER, aud: t.orgKey, exp: now + 60, iat: now, jti: 'n' }),
    ).toString('base64url')}.`;
    const alg = await session(none);
    expect([alg.status, errCode(alg.body)]).toEqual([401, 'identity_invalid']);
    expect((await forgedEvents()) - before).toBe(7);
    const ev = await t.server.store.security.events(t.orgId, {
      type: 'identity_forged',
      limit: 10,
    });
    expect(JSON.stringify(ev)).not.toContain(once.split('.')[2]);
  });

  it('checks the token on socket auth: same customer passes, another customer is a mismatch', async () => {
    const s = await session(await hsToken({ sub: 'user-socket' }));
    const token = s.body.token as string;
    const open = () => TestSocket.open(`${t.wsUrl}/ws/visitor`, { origin: new URL(t.url).origin });
    const ok = await open();
    ok.send({ type: 'auth', token, identity: await hsToken({ sub: 'user-socket' }) });
    await ok.next('ready');
    ok.close();
    const before = await forgedEvents();
    const bad = await open();
    bad.send({ type: 'auth', token, identity: await hsToken({ sub: 'intruder' }) });
    expect(await bad.closed).toBe(4001);
    expect(bad.closeReason).toBe('identity_mismatch');
    expect((await forgedEvents()) - before).toBe(1);
  });

  it('binds an anonymous visitor who signs in on the website later (socket auth)', async () => {
    const anon = await session(undefined, 'Anon');
    expect(anon.body.verified).toBe(false);
    const sock = await TestSocket.open(`${t.wsUrl}/ws/visitor`, { origin: new URL(t.url).origin });
    sock.send({
      type: 'auth',
      token: anon.body.token,
      identity: await hsToken({ sub: 'late-signin' }),
    });
    await sock.next('ready');
    sock.close();
    expect(
      await t.server.store.visitorIdentity.byVisitor(t.orgId, anon.body.visitorId as string),
    ).toBeDefined();
  });

  it('in required mode refuses unverified visitors, new and existing, with identity_required', async () => {
    const anon = await session();
    expect(anon.status).toBe(200);
    const res = await admin.request('PUT', '/api/settings/visitor-identity', {
      mode: 'required',
      algorithm: 'HS256',
      issuer: ISSUER,
    });
    expect(res.status).toBe(200);
    const refused = await session(undefined, 'No Token');
    expect([refused.status, errCode(refused.body)]).toEqual([403, 'identity_required']);
    const list = await fetch(`${t.url}/api/visitor/conversations`, {
      headers: { authorization: `Bearer ${anon.body.token as string}` },
    });
    expect(list.status).toBe(403);
    const sock = await TestSocket.open(`${t.wsUrl}/ws/visitor`, { origin: new URL(t.url).origin });
    sock.send({ type: 'auth', token: anon.body.token });
    expect(await sock.closed).toBe(4003);
    expect((await session(await hsToken({ sub: 'req-ok' }))).status).toBe(200);
  });

  it('verifies ES256 and RS256 tokens with the public key the admin pasted, refusing an HS256 one', async () => {
    for (const alg of ['ES256', 'RS256'] as const) {
      const { publicKey, privateKey } =
        alg === 'ES256'
          ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
          : generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const put = await admin.request('PUT', '/api/settings/visitor-identity', {
        mode: 'optional',
        algorithm: alg,
        publicKey: pem,
        issuer: ISSUER,
      });
      expect(put.status).toBe(200);
      const now = Math.floor(Date.now() / 1000);
      const jwt = await new SignJWT({})
        .setProtectedHeader({ alg })
        .setSubject(`pk-${alg}`)
        .setIssuer(ISSUER)
        .setAudience(t.orgKey)
        .setIssuedAt(now)
        .setExpirationTime(now + 120)
        .setJti(randomUUID())
        .sign(privateKey);
      const ok = await session(jwt);
      expect([ok.status, ok.body.verified]).toEqual([200, true]);
      // An attacker who knows only the public key cannot sign HS256 with it (algorithm confusion).
      const confused = await session(await hsToken({}, { key: pem }));
      expect(errCode(confused.body)).toBe('identity_invalid');
    }
    const wrong = await admin.request('PUT', '/api/settings/visitor-identity', {
      mode: 'optional',
      algorithm: 'ES256',
      publicKey: 'not a key',
      issuer: ISSUER,
    });
    expect(wrong.status).toBe(400);
  });

  it('lets only admins read or change the settings', async () => {
    const agent = await t.createAgent('agent');
    const c = new AgentClient(t.url);
    await c.login(agent.email, agent.password);
    expect((await c.request('GET', '/api/settings/visitor-identity')).status).toBe(403);
    expect((await c.request('POST', '/api/settings/visitor-identity/secret', {})).status).toBe(403);
  });
});
