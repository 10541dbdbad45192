import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient } from '../../../test/clients';
import { createWebhookTargetPolicy, postPinned } from './webhook-target';

const received: IncomingMessage['headers'][] = [];
const receiver = createServer((req, res) => {
  received.push(req.headers);
  req.resume();
  req.on('end', () => res.end('ok'));
});
let port = 0;
beforeAll(async () => {
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(() => {
  receiver.close();
});

describe('webhook targets (issue 10 finding 6, SSRF)', () => {
  const policy = createWebhookTargetPolicy({});
  it.each([
    'http://127.0.0.1/x',
    'http://localhost/x',
    'http://10.1.2.3/x',
    'http://172.20.0.1/x',
    'http://192.168.1.1/x',
    'http://169.254.169.254/latest/meta-data',
    'http://100.64.0.1/x',
    'http://0.0.0.0/x',
    'http://[::1]/x',
    'http://[fc00::1]/x',
    'http://[fe80::1]/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://224.0.0.1/x',
  ])('refuses %s', async (url) => {
    await expect(policy.resolve(url)).rejects.toMatchObject({ code: 'webhook_target_not_allowed' });
  });

  it('refuses a name with any internal answer, and the vault whatever is allowed', async () => {
    const mixed = createWebhookTargetPolicy({
      lookupAll: async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ],
    });
    await expect(mixed.resolve('https://hooks.example/x')).rejects.toMatchObject({
      code: 'webhook_target_not_allowed',
    });
    const vault = createWebhookTargetPolicy({
      allowCidrs: ['127.0.0.0/8'],
      denyAddresses: ['127.0.0.9'],
    });
    await expect(vault.resolve('http://127.0.0.9:8081/x')).rejects.toMatchObject({
      code: 'webhook_target_not_allowed',
    });
    expect((await vault.resolve('http://127.0.0.1/x')).address).toBe('127.0.0.1');
  });

  it('treats a resolver that never answers as a name that does not resolve, within the deadline', async () => {
    const policy = createWebhookTargetPolicy({
      lookupAll: () => new Promise(() => undefined),
      lookupDeadlineMs: 50,
    });
    const started = Date.now();
    await expect(policy.resolve('https://hangs.example/hook')).rejects.toMatchObject({
      code: 'webhook_target_not_allowed',
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('pins the connection to the checked address (no second resolution)', async () => {
    let lookups = 0;
    const pinned = createWebhookTargetPolicy({
      allowCidrs: ['127.0.0.1/32'],
      lookupAll: async () => {
        lookups += 1;
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    // A name that resolves nowhere else: only the pinned address can deliver it.
    const target = await pinned.resolve(`http://hooks.parley.invalid:${port}/x`);
    expect(await postPinned(target, { 'content-type': 'application/json' }, '{}', 2000)).toBe(200);
    expect(lookups).toBe(1);
    expect(received.at(-1)?.host).toBe(`hooks.parley.invalid:${port}`);
  });
});

describe('webhook settings over the API', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ logLevel: 'warn' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('regression: an admin cannot point the webhook at loopback or link-local addresses', async () => {
    const admin = new AgentClient(t.url);
    await admin.login(t.admin.email, t.admin.password);
    for (const webhookUrl of [`http://127.0.0.1:${port}/hook`, 'http://169.254.169.254/latest']) {
      const res = await admin.request('PUT', '/api/security/settings', {
        webhookUrl,
        webhookSecret: 'webhook-secret-0123456789',
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'webhook_target_not_allowed',
      );
    }
    expect((await t.server.store.security.settings(t.orgId)).webhookUrl).toBeNull();
  });

  it('regression: anonymous failures cannot flood the webhook: deliveries are budgeted per minute', async () => {
    const allowed = await startTestServer({
      logLevel: 'warn',
      env: { PARLEY_WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32' },
    });
    try {
      const admin = new AgentClient(allowed.url);
      await admin.login(allowed.admin.email, allowed.admin.password);
      const put = await admin.request('PUT', '/api/security/settings', {
        webhookUrl: `http://127.0.0.1:${port}/hook`,
        webhookSecret: 'webhook-secret-0123456789',
      });
      expect(put.status).toBe(200);
      const victim = await allowed.createAgent('agent');
      const post = (altcha?: string) =>
        fetch(`${allowed.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: new URL(allowed.url).origin },
          body: JSON.stringify({
            email: victim.email,
            password: 'wrong',
            ...(altcha ? { altcha } : {}),
          }),
        });
      for (let i = 0; i < 3; i++) await post();
      const before = received.length;
      // Anyone can now send bogus proofs: each is a challenge_failed security event for the organisation.
      const answers = await Promise.all(Array.from({ length: 40 }, () => post('bm90IGEgcHJvb2Y=')));
      expect(answers.every((r) => r.status === 428)).toBe(true);
      expect(
        (await allowed.server.store.security.eventCounts(allowed.orgId)).challenge_failed,
      ).toBe(40);
      // Every delivery was started or held back before the answers came; wait for those in flight.
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && received.length - before < 20)
        await new Promise((r) => setImmediate(r));
      expect(received.length - before).toBe(20);
    } finally {
      await allowed.close();
    }
  });
});
