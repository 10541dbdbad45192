// Issue 12 item 4: the consent, retention and privacy routes are in REST_ROUTES (so the OpenAPI
// document has their schemas), and what the server really answers matches those schemas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRIVACY_ROUTES, REST_ROUTES } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor, visitorSocket } from '../../../test/clients';

describe('lifecycle routes in the protocol table', () => {
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

  it('lists every served consent, retention and privacy route, with a body schema on writes', () => {
    const served = t.server.app.parleyRoutes
      .map((r) => `${r.method} ${r.url}`)
      .filter((k) => !k.startsWith('HEAD ') && /consent|retention|\/api\/privacy\//.test(k));
    expect(served.length).toBeGreaterThanOrEqual(9);
    for (const key of served) {
      expect(REST_ROUTES[key], key).toBeDefined();
      expect(REST_ROUTES[key]?.response, key).toBeDefined();
      if (!key.startsWith('GET ')) expect(REST_ROUTES[key]?.body, key).toBeDefined();
    }
    expect(Object.keys(PRIVACY_ROUTES).sort()).toEqual([...served].sort());
  });

  it("the server's answers parse with the table's response schemas", async () => {
    const v = await newVisitor(t.url, t.orgKey, 'Tabea Table');
    const vs = await visitorSocket(t.url, v.token);
    vs.send({ type: 'send', clientMsgId: 'm1', conversationId: v.conversationId, text: 'hello' });
    await vs.next('ack', (f) => f.clientMsgId === 'm1');
    vs.close();
    const check = async (key: string, path: string, body?: unknown) => {
      const [method = 'GET'] = key.split(' ');
      const res = await admin.request(method, path, body);
      expect(res.status, key).toBe(200);
      const parsed = PRIVACY_ROUTES[key]?.response?.safeParse(await res.json());
      expect(parsed?.success, `${key}: ${JSON.stringify(parsed?.error?.issues)}`).toBe(true);
    };
    await check('GET /api/settings/consent', '/api/settings/consent');
    await check('GET /api/settings/retention', '/api/settings/retention');
    await check(
      'GET /api/conversations/:id/consent',
      `/api/conversations/${v.conversationId}/consent`,
    );
    await check('POST /api/privacy/preview', '/api/privacy/preview', { visitorId: v.visitorId });
    await check('POST /api/privacy/export', '/api/privacy/export', { visitorId: v.visitorId });
    await check('POST /api/privacy/erase', '/api/privacy/erase', {
      visitorId: v.visitorId,
      confirm: true,
    });
  });
});
