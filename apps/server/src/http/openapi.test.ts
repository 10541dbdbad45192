import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { REST_ROUTES } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../test/test-server';

/** The OpenAPI document (docs/api.md): valid 3.1, complete, and in step with the protocol table. */
let t: TestServer;
let doc: {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: unknown; 'x-parley-token-scope'?: string }>>;
};
beforeAll(async () => {
  t = await startTestServer({ logLevel: 'warn' });
  const res = await fetch(`${t.url}/api/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as typeof doc;
});
afterAll(async () => {
  await t?.close();
});

const toPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('/api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('lists every /api route the server serves', () => {
    const served = t.server.app.parleyRoutes.filter(
      (r) => r.url.startsWith('/api/') && r.url !== '/api/openapi.json' && r.method !== 'HEAD',
    );
    expect(served.length).toBeGreaterThan(50);
    for (const r of served)
      expect(
        doc.paths[toPath(r.url)]?.[r.method.toLowerCase()],
        `${r.method} ${r.url}`,
      ).toBeDefined();
  });

  it('describes each protocol-table route that the server really serves, with its schemas', () => {
    const served = new Set(t.server.app.parleyRoutes.map((r) => `${r.method} ${r.url}`));
    for (const [key, route] of Object.entries(REST_ROUTES)) {
      expect(served.has(key), `REST_ROUTES names ${key}, which is not served`).toBe(true);
      const [method = '', url = ''] = key.split(' ');
      const op = doc.paths[toPath(url)]?.[method.toLowerCase()];
      expect(Boolean(op?.requestBody), key).toBe(route.body !== undefined);
    }
  });

  it('names the token scope of routes that take tokens, and none on session-only routes', () => {
    expect(doc.paths['/api/conversations']?.get?.['x-parley-token-scope']).toBe(
      'conversation:read',
    );
    expect(doc.paths['/api/conversations/{id}/messages']?.post?.['x-parley-token-scope']).toBe(
      'conversation:reply',
    );
    expect(doc.paths['/api/api-tokens']?.post?.['x-parley-token-scope']).toBeUndefined();
    expect(doc.paths['/api/auth/session']?.get?.['x-parley-token-scope']).toBeUndefined();
  });
});
