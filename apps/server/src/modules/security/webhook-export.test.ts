import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyRequest } from '@parley/signing';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient } from '../../../test/clients';
import { waitFor } from '../../../test/faults/kit';

const SECRET = 'webhook-secret-0123456789';

interface Hook {
  path: string;
  body: string;
  headers: IncomingMessage['headers'];
}

/** A webhook receiver that answers `status()` to each post and keeps what it got. */
function receiver(status: () => number) {
  const got: Hook[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      got.push({ path: req.url ?? '', body, headers: req.headers });
      res.writeHead(status()).end();
    });
  });
  return { got, server };
}

let t: TestServer;
let admin: AgentClient;
beforeAll(async () => {
  t = await startTestServer({
    logLevel: 'warn',
    env: { PARLEY_WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32' },
    webhookRetryBaseMs: 100,
  });
  admin = new AgentClient(t.url);
  await admin.login(t.admin.email, t.admin.password);
});
afterAll(async () => t.close());

/** A request with the admin's cookie but no CSRF token: a `session_forged` event of the organisation. */
const forge = () =>
  fetch(`${t.url}/api/security/settings`, {
    method: 'PUT',
    headers: {
      cookie: admin.cookie,
      'content-type': 'application/json',
      origin: new URL(t.url).origin,
    },
    body: '{}',
  });

/** The webhook channel's outbox rows, oldest first. */
async function webhookRows(): Promise<{ status: string; attempts: number }[]> {
  const rows = await t.server.store.db
    .selectFrom('siem_outbox')
    .select(['status', 'attempts'])
    .where('channel', '=', 'webhook')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ status: r.status, attempts: Number(r.attempts) }));
}

describe('security webhook through the durable outbox', () => {
  it('keeps posting a refused event until the receiver takes it, with the same id and a valid signature each time', async () => {
    let answers = 0;
    const hook = receiver(() => (++answers <= 3 ? 503 : 200));
    await new Promise<void>((r) => hook.server.listen(0, '127.0.0.1', () => r()));
    const port = (hook.server.address() as AddressInfo).port;
    const put = await admin.request('PUT', '/api/security/settings', {
      webhookUrl: `http://127.0.0.1:${port}/hooks`,
      webhookSecret: SECRET,
    });
    expect(put.status).toBe(200);
    expect((await forge()).status).toBe(403);
    await waitFor('a fourth post, answered 200', () => hook.got.length >= 4);
    const ids = hook.got.map((h) => (JSON.parse(h.body) as { id: string }).id);
    expect(new Set(ids).size).toBe(1);
    for (const h of hook.got)
      expect(
        verifyRequest({
          secret: SECRET,
          method: 'POST',
          path: h.path,
          body: h.body,
          headers: h.headers,
        }),
      ).toMatchObject({ ok: true });
    expect(JSON.parse(hook.got[0]!.body)).toMatchObject({
      type: 'security_event',
      event: { type: 'session_forged', detail: { reason: 'csrf' } },
    });
    await waitFor(
      'an empty outbox',
      async () => (await t.server.store.siem.backlog('webhook')) === 0,
    );
    // Delivered once: the row is marked delivered after its fourth try, and a delivered row
    // is never claimed again (repos/siem.ts), so no post follows the 200.
    expect(await webhookRows()).toEqual([{ status: 'delivered', attempts: 4 }]);
    expect(hook.got.length).toBe(4);
    hook.server.close();
  });

  it('holds events while the receiver is down and delivers every one when it comes back', async () => {
    const hook = receiver(() => 200);
    await new Promise<void>((r) => hook.server.listen(0, '127.0.0.1', () => r()));
    const port = (hook.server.address() as AddressInfo).port;
    await new Promise<void>((r) => hook.server.close(() => r()));
    await admin.request('PUT', '/api/security/settings', {
      webhookUrl: `http://127.0.0.1:${port}/hooks`,
      webhookSecret: SECRET,
    });
    for (let i = 0; i < 5; i++) expect((await forge()).status).toBe(403);
    // Refused connections: every event is tried far more than the three times of old, and kept.
    await waitFor('four refused tries of each event', async () => {
      const rows = (await webhookRows()).filter((r) => r.status !== 'delivered');
      return rows.length === 5 && rows.every((r) => r.attempts >= 4);
    });
    expect(await t.server.store.siem.backlog('webhook')).toBe(5);
    await new Promise<void>((r) => hook.server.listen(port, '127.0.0.1', () => r()));
    await waitFor('all five events', () => hook.got.length >= 5, 20_000);
    const events = hook.got.map((h) => (JSON.parse(h.body) as { event: { id: string } }).event.id);
    expect(new Set(events).size).toBe(5);
    await waitFor(
      'an empty outbox',
      async () => (await t.server.store.siem.backlog('webhook')) === 0,
    );
    hook.server.close();
  }, 60_000);
});
