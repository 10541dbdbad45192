import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiTokenCreated, ReportOverview } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor } from '../../../test/clients';

/** The report routes over real HTTP: who may read them, by session and by API token, and the CSV. */
let t: TestServer;
let admin: AgentClient;
const bearer = (token: string, path: string) =>
  fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
const errorCode = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code;

async function login(role: 'agent' | 'supervisor') {
  const who = await t.createAgent(role);
  const client = new AgentClient(t.url);
  expect((await client.login(who.email, who.password)).ok).toBe(true);
  return client;
}

async function mint(scopes: string[]) {
  const res = await admin.request('POST', '/api/api-tokens', {
    name: `reports ${scopes[0]}`,
    scopes,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as ApiTokenCreated).secret;
}

beforeAll(async () => {
  t = await startTestServer({ logLevel: 'warn' });
  admin = new AgentClient(t.url);
  expect((await admin.login(t.admin.email, t.admin.password)).ok).toBe(true);
  // Two conversations today; nobody answered them yet.
  await newVisitor(t.url, t.orgKey, 'Rita Report');
  await newVisitor(t.url, t.orgKey, 'Rolf Report');
}, 60_000);
afterAll(async () => t?.close());

describe('GET /api/reports/overview and /api/reports/export.csv', () => {
  it('serves supervisors and admins the organisation’s figures', async () => {
    for (const client of [admin, await login('supervisor')]) {
      const res = await client.request('GET', '/api/reports/overview?by=day');
      expect(res.status).toBe(200);
      const r = (await res.json()) as ReportOverview;
      expect(r.by).toBe('day');
      expect(r.totals.conversations).toBe(2);
      expect(r.rows).toHaveLength(1);
      expect(r.rows[0]?.label).toBe(new Date().toISOString().slice(0, 10));
      expect(r.totals.firstResponse).toEqual({ count: 0, averageMs: null });
    }
  });

  it('refuses an agent, an anonymous caller and a token without report:read', async () => {
    const agent = await login('agent');
    const refused = await agent.request('GET', '/api/reports/overview');
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe('forbidden');
    expect((await agent.request('GET', '/api/reports/export.csv')).status).toBe(403);
    expect((await fetch(`${t.url}/api/reports/overview`)).status).toBe(401);
    const reader = await mint(['conversation:read']);
    expect((await bearer(reader, '/api/reports/overview')).status).toBe(403);
    expect((await bearer(reader, '/api/reports/export.csv')).status).toBe(403);
  });

  it('admits a token with report:read, and refuses bad queries with 400', async () => {
    const token = await mint(['report:read']);
    const res = await bearer(token, '/api/reports/overview?by=agent');
    expect(res.status).toBe(200);
    const r = (await res.json()) as ReportOverview;
    expect(r.rows.map((x) => [x.label, x.conversations])).toEqual([['No agent', 2]]);
    expect((await bearer(token, '/api/reports/overview?by=visitor')).status).toBe(400);
    expect((await bearer(token, '/api/reports/overview?from=10&to=5')).status).toBe(400);
  });

  it('exports CSV as an attachment', async () => {
    const res = await admin.request('GET', '/api/reports/export.csv?by=team');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="parley-report-team-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^No team,,2,0,/);
    expect(lines[2]).toMatch(/^Total,,2,0,/);
  });

  it('is described in the OpenAPI document with its token scope', async () => {
    const doc = (await (await admin.request('GET', '/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.paths['/api/reports/overview']?.get).toBeDefined();
    expect(doc.paths['/api/reports/export.csv']?.get).toBeDefined();
    expect(JSON.stringify(doc.paths['/api/reports/overview'])).toContain('report:read');
  });
});
