import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient } from '../../../test/clients';

/**
 * Issue 11 item 6: the loader asks `GET /api/widget/loader` before it shows a
 * launcher, and the server decides by the Origin the browser put on that
 * request. A refusal is readable by the page (CORS) so the loader can say why.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ logLevel: 'warn' });
  const admin = new AgentClient(t.url);
  await admin.login(t.admin.email, t.admin.password);
  const res = await admin.request('PUT', '/api/settings/organisation', {
    allowedOrigins: ['https://shop.example'],
  });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

const ask = (headers: Record<string, string>, org = t.orgKey) =>
  fetch(`${t.url}/api/widget/loader?org=${encodeURIComponent(org)}`, { headers });
const code = async (res: Response) =>
  ((await res.json()) as { error?: { code: string } }).error?.code;

describe('GET /api/widget/loader', () => {
  it('admits an allowed origin, readable by that page', async () => {
    const res = await ask({ origin: 'https://shop.example' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ allowed: true });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(res.headers.get('vary')).toMatch(/origin/i);
  });

  it('refuses an origin the organisation does not allow with 403 origin_not_allowed, still readable', async () => {
    for (const origin of ['https://evil.example', 'https://shop.example:8443', 'null']) {
      const res = await ask({ origin });
      expect(res.status, origin).toBe(403);
      expect(await code(res)).toBe('origin_not_allowed');
    }
    const res = await ask({ origin: 'https://evil.example' });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://evil.example');
  });

  it("admits the server's own pages (same-origin fetches carry no Origin) and nothing else without one", async () => {
    expect((await ask({ 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await ask({ origin: new URL(t.url).origin })).status).toBe(200);
    const bare = await ask({});
    expect(bare.status).toBe(403);
    expect(await code(bare)).toBe('origin_not_allowed');
    expect((await ask({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });

  it('answers organisation_not_found for an unknown key', async () => {
    const res = await ask({ origin: 'https://shop.example' }, 'no-such-org');
    expect(res.status).toBe(404);
    expect(await code(res)).toBe('organisation_not_found');
  });
});
