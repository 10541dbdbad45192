import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient } from '../../../test/clients';
import { sql } from 'kysely';
import { ParleyError } from '@parley/protocol';
import { createLocalBus } from '../../bus';
import { createLogger } from '../../logger';
import type { ChatService } from '../chat';
import { createPaymentService } from '../payments';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe('organisation settings', () => {
  it('lets an admin set the origins allowed to embed the widget, and the widget config follows', async () => {
    const admin = new AgentClient(t.url);
    await admin.login(t.admin.email, t.admin.password);
    const before = await fetch(
      `${t.url}/api/widget/config?org=${t.orgKey}&host=${encodeURIComponent('https://shop.example')}`,
    );
    expect(before.status).toBe(403);
    const res = await admin.request('PUT', '/api/settings/organisation', {
      allowedOrigins: ['https://shop.example', 'https://shop.example/'],
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { allowedOrigins: string[] }).allowedOrigins).toEqual([
      'https://shop.example',
    ]);
    const after = await fetch(
      `${t.url}/api/widget/config?org=${t.orgKey}&host=${encodeURIComponent('https://shop.example')}`,
    );
    expect(after.status).toBe(200);
    const entries = await t.server.store.audit.list(t.orgId, {
      action: 'settings.organisation',
      limit: 10,
    });
    expect(entries[0]).toMatchObject({ outcome: 'success', action: 'settings.organisation' });
    const frame = await fetch(`${t.url}/frame/?org=${t.orgKey}`);
    expect(frame.headers.get('content-security-policy') ?? '').toMatch(
      /frame-ancestors 'self' https:\/\/shop\.example/,
    );
  });

  it('refuses something that is not an origin, naming it', async () => {
    const admin = new AgentClient(t.url);
    await admin.login(t.admin.email, t.admin.password);
    const res = await admin.request('PUT', '/api/settings/organisation', {
      allowedOrigins: ['https://ok.example', 'shop.example/path'],
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /shop\.example\/path/,
    );
  });

  it('is for admins only', async () => {
    const agent = await t.createAgent('agent');
    const c = new AgentClient(t.url);
    await c.login(agent.email, agent.password);
    expect((await c.request('GET', '/api/settings/organisation')).status).toBe(403);
    expect((await c.request('PUT', '/api/settings/organisation', { greeting: 'hi' })).status).toBe(
      403,
    );
  });
});

describe('payment currency settings', () => {
  it('are changed by admins only, through the policy, and audited', async () => {
    const admin = new AgentClient(t.url);
    await admin.login(t.admin.email, t.admin.password);
    const res = await admin.request('PUT', '/api/payments/settings', {
      currencies: ['EUR', 'CHF'],
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { currencies: string[] }).currencies).toEqual(['EUR', 'CHF']);
    const entries = await t.server.store.audit.list(t.orgId, {
      action: 'settings.payment_currencies',
      limit: 10,
    });
    expect(entries).toHaveLength(1);

    const supervisor = await t.createAgent('supervisor');
    const c = new AgentClient(t.url);
    await c.login(supervisor.email, supervisor.password);
    expect((await c.request('PUT', '/api/payments/settings', { currencies: ['USD'] })).status).toBe(
      403,
    );
  });
});

describe('payment currency settings in the service (issue 8: checked there, not only in the route)', () => {
  const service = () =>
    createPaymentService({
      store: t.server.store,
      bus: createLocalBus(),
      // setCurrencies needs neither the chat nor the vault.
      chat: {} as ChatService,
      log: createLogger('silent'),
      vault: undefined,
      eventSecret: undefined,
    });
  const actor = (role: 'admin' | 'supervisor') => ({
    kind: 'agent' as const,
    agentId: 'agent-in-test',
    orgId: t.orgId,
    role,
    name: 'Test',
  });

  it('refuses a supervisor called straight, without a route in front, and stores nothing', async () => {
    const before = await t.server.store.payments.currencies(t.orgId);
    const refused = await service()
      .setCurrencies(actor('supervisor'), ['JPY'], '192.0.2.7')
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ParleyError);
    expect((refused as ParleyError).code).toBe('forbidden');
    expect(await t.server.store.payments.currencies(t.orgId)).toEqual(before);
  });

  it('keeps the old currencies when the audit entry cannot be written (one transaction)', async () => {
    const { store } = t.server;
    await service().setCurrencies(actor('admin'), ['EUR'], '192.0.2.7');
    // Signed in first: signing in is audited too.
    const admin = new AgentClient(t.url);
    await admin.login(t.admin.email, t.admin.password);
    await sql
      .raw(
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'refused by test'); END",
      )
      .execute(store.db);
    try {
      const res = await admin.request('PUT', '/api/payments/settings', { currencies: ['CHF'] });
      expect(res.status).toBe(500);
      expect(await store.payments.currencies(t.orgId)).toEqual(['EUR']);
    } finally {
      await sql.raw('DROP TRIGGER refuse_audit').execute(store.db);
    }
  });
});
