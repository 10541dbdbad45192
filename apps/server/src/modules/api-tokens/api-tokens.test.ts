import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN_SCOPES, type ApiToken, type ApiTokenCreated } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor } from '../../../test/clients';
import { PERMISSIONS } from '../auth';

/**
 * API tokens over real HTTP (issue 17 item 4, docs/api.md): created by an
 * admin's console session, shown once, stored hashed, scoped, expiring,
 * revocable, and admitted by the same admission as a session.
 */
let t: TestServer;
let admin: AgentClient;

const api = (token: string, method: string, path: string, body?: unknown) =>
  fetch(`${t.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const code = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code;

async function mint(scopes: string[], client = admin, expiresInDays?: number) {
  const res = await client.request('POST', '/api/api-tokens', {
    name: `test ${scopes.join(',')}`.slice(0, 80),
    scopes,
    ...(expiresInDays ? { expiresInDays } : {}),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as ApiTokenCreated;
}

beforeAll(async () => {
  t = await startTestServer({ logLevel: 'warn' });
  admin = new AgentClient(t.url);
  expect((await admin.login(t.admin.email, t.admin.password)).ok).toBe(true);
});
afterAll(async () => {
  await t?.close();
});

describe('API tokens', () => {
  it('offers as scopes every permission except managing tokens', () => {
    expect([...API_TOKEN_SCOPES].sort()).toEqual(
      PERMISSIONS.filter((p) => p !== 'api_token:manage').sort(),
    );
  });

  it('shows the secret once, stores only its hash, and lists the token without it', async () => {
    const created = await mint(['conversation:read']);
    expect(created.secret).toMatch(/^pt_[A-Za-z0-9_-]{43}$/);
    expect(created.token.prefix).toBe(created.secret.slice(0, 10));
    const stored = await t.server.store.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', created.token.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(created.secret.slice(3));
    const list = (await (await admin.request('GET', '/api/api-tokens')).json()) as {
      tokens: ApiToken[];
    };
    const listed = list.tokens.find((x) => x.id === created.token.id);
    expect(listed?.status).toBe('active');
    expect(JSON.stringify(list)).not.toContain(created.secret);
  });

  it('reads with a read scope, is refused what its scopes lack, and records its last use', async () => {
    const v = await newVisitor(t.url, t.orgKey, 'Tokyo Tom');
    const { secret, token } = await mint(['conversation:read']);
    const list = await api(secret, 'GET', '/api/conversations?status=waiting');
    expect(list.status).toBe(200);
    const body = (await list.json()) as { conversations: { id: string }[] };
    expect(body.conversations.map((c) => c.id)).toContain(v.conversationId);
    expect(
      (await api(secret, 'GET', `/api/conversations/${v.conversationId}/messages`)).status,
    ).toBe(200);
    const accept = await api(secret, 'POST', `/api/conversations/${v.conversationId}/accept`, {});
    expect(accept.status).toBe(403);
    expect(await code(accept)).toBe('forbidden');
    expect((await api(secret, 'GET', '/api/agents')).status).toBe(403);
    const row = await t.server.store.apiTokens.byHash(
      (await import('../../lib/tokens')).sha256Hex(secret),
    );
    expect(row?.id).toBe(token.id);
    expect(row?.lastUsedAt).not.toBeNull();
    expect(row?.lastUsedIp).toBe('127.0.0.1');
  });

  it('accepts and replies over REST without a CSRF token; the reply is masked and the audit names the token', async () => {
    const v = await newVisitor(t.url, t.orgKey, 'Rest Rita');
    const { secret, token } = await mint([
      'conversation:accept',
      'conversation:reply',
      'conversation:read',
    ]);
    expect(
      (await api(secret, 'POST', `/api/conversations/${v.conversationId}/accept`, {})).status,
    ).toBe(200);
    const sent = await api(secret, 'POST', `/api/conversations/${v.conversationId}/messages`, {
      clientMsgId: 'api-1',
      text: 'Your card 4111 1111 1111 1111 is on file',
    });
    expect(sent.status).toBe(201);
    expect(((await sent.json()) as { duplicate: boolean }).duplicate).toBe(false);
    const again = await api(secret, 'POST', `/api/conversations/${v.conversationId}/messages`, {
      clientMsgId: 'api-1',
      text: 'Your card 4111 1111 1111 1111 is on file',
    });
    expect(((await again.json()) as { duplicate: boolean }).duplicate).toBe(true);
    const history = (await (
      await api(secret, 'GET', `/api/conversations/${v.conversationId}/messages`)
    ).json()) as { messages: { text: string }[] };
    const texts = history.messages.map((m) => m.text).join('\n');
    expect(texts).toContain('is on file');
    expect(texts).not.toContain('4111 1111 1111 1111');
    const entries = await t.server.store.audit.list(t.orgId, { limit: 200 });
    expect(entries.some((e) => e.action === 'api_token.create' && e.resourceId === token.id)).toBe(
      true,
    );
  });

  it('is refused on sign-in, account and token routes whatever its scopes', async () => {
    const everything = await mint([...API_TOKEN_SCOPES]);
    const { secret } = everything;
    for (const [method, path] of [
      ['GET', '/api/auth/session'],
      ['GET', '/api/account/sessions'],
      ['GET', '/api/api-tokens'],
      ['POST', '/api/api-tokens'],
      ['GET', '/api/security/settings'],
      ['GET', '/api/settings/sso'],
    ] as const) {
      const res = await api(
        secret,
        method,
        path,
        method === 'POST' ? { name: 'x', scopes: ['audit:read'] } : undefined,
      );
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await code(res)).toBe('api_token_not_allowed');
    }
    // With the scope it does reach an admin route that takes tokens, audited as the token.
    expect((await api(secret, 'GET', '/api/agents')).status).toBe(200);
    expect((await api(secret, 'GET', '/api/audit')).status).toBe(200);
    const target = await t.createAgent('agent');
    const patched = await api(secret, 'PATCH', `/api/agents/${target.id}`, { role: 'supervisor' });
    expect(patched.status).toBe(200);
    const entries = await t.server.store.audit.list(t.orgId, { limit: 50 });
    const change = entries.find((e) => e.resourceId === target.id && e.action.startsWith('agent.'));
    expect(change?.actorId).toBe(
      (
        (await admin.request('GET', '/api/auth/session').then((r) => r.json())) as {
          agent: { id: string };
        }
      ).agent.id,
    );
    const detail = JSON.parse(change?.detail ?? '{}') as { apiToken?: string };
    expect(detail.apiToken).toBe(everything.token.id);
  });

  it('ends at revocation and at expiry, and an unknown token is a security event', async () => {
    const { secret, token } = await mint(['conversation:read']);
    expect((await api(secret, 'GET', '/api/conversations')).status).toBe(200);
    expect((await admin.request('DELETE', `/api/api-tokens/${token.id}`)).status).toBe(204);
    const after = await api(secret, 'GET', '/api/conversations');
    expect(after.status).toBe(401);
    expect(await code(after)).toBe('api_token_invalid');
    expect((await admin.request('DELETE', `/api/api-tokens/${token.id}`)).status).toBe(404);

    const old = await mint(['conversation:read']);
    await t.server.store.db
      .updateTable('api_tokens')
      .set({ expires_at: Date.now() - 1 })
      .where('id', '=', old.token.id)
      .execute();
    expect((await api(old.secret, 'GET', '/api/conversations')).status).toBe(401);

    const before = (await t.server.store.security.events('', { limit: 500 })).length;
    expect((await api('pt_forged', 'GET', '/api/conversations')).status).toBe(401);
    const events = await t.server.store.security.events('', { limit: 500 });
    expect(events.length).toBeGreaterThan(before);
  });

  it('narrows with its agent: a demoted admin’s token loses admin routes, a deactivated one stops', async () => {
    const other = await t.createAgent('admin');
    const client = new AgentClient(t.url);
    expect((await client.login(other.email, other.password)).ok).toBe(true);
    const { secret } = await mint(['agent:manage', 'conversation:read'], client);
    expect((await api(secret, 'GET', '/api/agents')).status).toBe(200);
    expect(
      (await admin.request('PATCH', `/api/agents/${other.id}`, { role: 'agent' })).status,
    ).toBe(200);
    expect((await api(secret, 'GET', '/api/agents')).status).toBe(403);
    expect((await api(secret, 'GET', '/api/conversations')).status).toBe(200);
    expect(
      (await admin.request('PATCH', `/api/agents/${other.id}`, { active: false })).status,
    ).toBe(200);
    expect((await api(secret, 'GET', '/api/conversations')).status).toBe(401);
  });

  it('refuses scopes beyond the creator’s role, bad input, and other roles managing tokens', async () => {
    const bad = await admin.request('POST', '/api/api-tokens', { name: '', scopes: [] });
    expect(bad.status).toBe(400);
    const unknown = await admin.request('POST', '/api/api-tokens', {
      name: 'x',
      scopes: ['api_token:manage'],
    });
    expect(unknown.status).toBe(400);
    const tooLong = await admin.request('POST', '/api/api-tokens', {
      name: 'x',
      scopes: ['audit:read'],
      expiresInDays: 366,
    });
    expect(tooLong.status).toBe(400);
    const sup = await t.createAgent('supervisor');
    const s = new AgentClient(t.url);
    expect((await s.login(sup.email, sup.password)).ok).toBe(true);
    expect((await s.request('GET', '/api/api-tokens')).status).toBe(403);
  });

  it('obeys the IP allowlist like a session', async () => {
    const { secret } = await mint(['conversation:read']);
    await t.server.store.security.updateSettings(
      t.orgId,
      { ipAllowlist: ['192.0.2.0/24'] },
      Date.now(),
    );
    try {
      const res = await api(secret, 'GET', '/api/conversations');
      expect(res.status).toBe(403);
      expect(await code(res)).toBe('ip_not_allowed');
    } finally {
      await t.server.store.security.updateSettings(t.orgId, { ipAllowlist: [] }, Date.now());
    }
  });
});
