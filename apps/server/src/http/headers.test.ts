import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/test-server';

/** A concrete path for a route pattern (":id" and "*" filled in). */
const concrete = (url: string) => url.replace(/:[a-zA-Z]+/g, 'x').replace(/\*/g, 'x');

describe('security headers on every route (issue 10 finding 10)', () => {
  let t: TestServer;
  let base: string;
  beforeAll(async () => {
    // Served as https behind TLS termination: HSTS and __Host- cookies apply.
    t = await startTestServer({
      logLevel: 'silent',
      env: { PARLEY_PUBLIC_URL: 'https://chat.parley.test', PARLEY_TRUST_PROXY: '1' },
    });
    base = `http://127.0.0.1:${t.server.port}`;
  });
  afterAll(async () => {
    await t.close();
  });

  it('regression: every registered route answers with nosniff and HSTS, signed in or not', async () => {
    const routes = t.server.app.parleyRoutes.filter((r) => r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(30);
    for (const r of routes) {
      const res = await fetch(`${base}${concrete(r.url)}`, {
        method: r.method,
        headers: { origin: 'https://chat.parley.test', 'content-type': 'application/json' },
        ...(r.method === 'GET' || r.method === 'OPTIONS' ? {} : { body: '{}' }),
        redirect: 'manual',
      });
      const where = `${r.method} ${r.url} (${res.status})`;
      expect(res.headers.get('x-content-type-options'), where).toBe('nosniff');
      expect(res.headers.get('strict-transport-security'), where).toMatch(/max-age=\d{7,}/);
    }
  });

  it('regression: page CSP lets sockets reach only Parley itself, not any ws: host', async () => {
    const res = await fetch(`${base}/demo`);
    const csp = res.headers.get('content-security-policy') ?? '';
    const connect = /connect-src ([^;]*)/.exec(csp)?.[1] ?? '';
    expect(connect.split(' ')).toEqual([
      "'self'",
      'https://chat.parley.test',
      'wss://chat.parley.test',
    ]);
  });

  it('regression: the session cookie carries the __Host- prefix on TLS', async () => {
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://chat.parley.test' },
      body: JSON.stringify({ email: t.admin.email, password: t.admin.password }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-parley_session=/);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
  });
});
