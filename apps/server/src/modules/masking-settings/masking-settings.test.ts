import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor, visitorSocket } from '../../../test/clients';
import { createLocalBus } from '../../bus';
import { createLogger } from '../../logger';
import { createMaskingSettingsService } from './index';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

async function admin(): Promise<AgentClient> {
  const a = new AgentClient(t.url);
  await a.login(t.admin.email, t.admin.password);
  return a;
}

/** A visitor message as the agent sees it, and every frame the visitor got after it. */
async function sendAsVisitor(text: string): Promise<{ agentText: string; masked: string[] }> {
  const a = await admin();
  const v = await newVisitor(t.url, t.orgKey);
  await a.request('POST', `/api/conversations/${v.conversationId}/accept`);
  const vs = await visitorSocket(t.url, v.token);
  vs.send({ type: 'send', clientMsgId: 'm1', conversationId: v.conversationId, text });
  await vs.next('ack', (f) => f.clientMsgId === 'm1');
  vs.close();
  const stored = await t.server.store.messages.after(t.orgId, v.conversationId, 0, 10);
  const first = stored[0];
  return { agentText: first?.text ?? '', masked: first?.masked ?? [] };
}

describe('masking settings API', () => {
  it('answers the defaults until an admin saves, then applies the saved settings to new messages', async () => {
    const a = await admin();
    const initial = (await (await a.request('GET', '/api/settings/masking')).json()) as {
      rules: Record<string, boolean>;
      panDisplay: string;
      version: number;
    };
    expect(initial.rules.pan).toBe(true);
    expect(initial.rules.email).toBe(false);
    expect(initial.panDisplay).toBe('last4');
    expect(initial.version).toBe(0);

    const res = await a.request('PUT', '/api/settings/masking', {
      rules: { email: true, iban: false },
      panDisplay: 'bin_last4',
      customRules: [{ id: 'order', pattern: 'ORD-[0-9]{6}', label: 'order number' }],
    });
    expect(res.status).toBe(200);
    const saved = (await res.json()) as {
      rules: Record<string, boolean>;
      panDisplay: string;
      customRules: unknown[];
      version: number;
    };
    expect(saved).toMatchObject({
      panDisplay: 'bin_last4',
      version: 1,
      customRules: [{ id: 'order', pattern: 'ORD-[0-9]{6}', label: 'order number' }],
    });
    expect(saved.rules).toMatchObject({ email: true, iban: false, pan: true });

    const m = await sendAsVisitor(
      'iban GB82 WEST 1234 5698 7654 32, card 4242 4242 4242 4242, mail a@example.com, ref ORD-123456',
    );
    // With the IBAN rule off the IBAN is not masked as one; its digits, bare or glued to letters,
    // are held like any number (a possible piece of a card split over messages) until decided.
    expect(m.agentText).toBe(
      'iban GB•• WEST •••• •••• •••• ••, card 4242 42•• •••• 4242, mail [email hidden], ref [order number hidden]',
    );
    expect([...m.masked].sort()).toEqual(['custom', 'email', 'held', 'pan']);

    // Fields a visitor fills in follow the organisation's rules too (regression: they used the defaults).
    const named = await newVisitor(t.url, t.orgKey, 'Jo ORD-654321');
    expect((await t.server.store.visitors.byId(t.orgId, named.visitorId))?.name).toBe(
      'Jo [order number hidden]',
    );

    const entries = await t.server.store.audit.list(t.orgId, {
      action: 'settings.masking_change',
      limit: 10,
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]?.detail).not.toMatch(/ORD/);

    // Back to the defaults for the other tests.
    await a.request('PUT', '/api/settings/masking', {
      rules: { email: false, iban: true },
      panDisplay: 'last4',
      customRules: [],
    });
  });

  it('refuses an unsafe custom rule with invalid_masking_rule, saying why in words, and keeps the old settings', async () => {
    const a = await admin();
    const before = (await (await a.request('GET', '/api/settings/masking')).json()) as {
      version: number;
    };
    const res = await a.request('PUT', '/api/settings/masking', {
      customRules: [{ id: 'bad', pattern: '(?=a)b' }],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_masking_rule');
    expect(body.error.message).toMatch(/"bad".*RE2 syntax/);
    const unknown = await a.request('PUT', '/api/settings/masking', { rules: { nope: true } });
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe(
      'invalid_masking_rule',
    );
    const after = (await (await a.request('GET', '/api/settings/masking')).json()) as {
      version: number;
    };
    expect(after.version).toBe(before.version);
  });

  it('is for admins only, and a change needs the CSRF token', async () => {
    const agent = await t.createAgent('agent');
    const c = new AgentClient(t.url);
    await c.login(agent.email, agent.password);
    expect((await c.request('GET', '/api/settings/masking')).status).toBe(403);
    expect((await c.request('PUT', '/api/settings/masking', { panDisplay: 'none' })).status).toBe(
      403,
    );
    const a = await admin();
    const noCsrf = await a.request(
      'PUT',
      '/api/settings/masking',
      { panDisplay: 'none' },
      { 'x-csrf-token': 'wrong' },
    );
    expect(noCsrf.status).toBe(403);
  });
});

describe('PCI floor (issue 9, finding 7)', () => {
  it.each(['pan', 'cvv', 'expiry'])(
    'refuses to switch %s off, saying why, and saves nothing',
    async (id) => {
      const a = await admin();
      const before = (await (await a.request('GET', '/api/settings/masking')).json()) as {
        version: number;
      };
      const res = await a.request('PUT', '/api/settings/masking', { rules: { [id]: false } });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_masking_rule');
      expect(body.error.message).toMatch(/PCI DSS 3\.3\.1/);
      const after = (await (await a.request('GET', '/api/settings/masking')).json()) as {
        version: number;
      };
      expect(after.version).toBe(before.version);
    },
  );

  it('regression: a stored document from before the floor that switched card masking off is ignored', async () => {
    const org = await t.server.store.orgs.create({ name: 'Old doc', allowedOrigins: [] });
    await t.server.store.maskingSettings.put(
      org.id,
      JSON.stringify({ rules: { pan: false, cvv: false, expiry: false }, panDisplay: 'last4' }),
      null,
      Date.now(),
    );
    const service = createMaskingSettingsService({
      store: t.server.store,
      bus: createLocalBus(),
      log: createLogger('silent'),
    });
    const settings = await service.get(org.id);
    expect(settings.rules).toMatchObject({ pan: true, cvv: true, expiry: true });
    await service.ready(org.id);
    const { maskText } = await import('@parley/masking');
    expect(maskText('4242 4242 4242 4242 cvv 123', service.optionsFor(org.id)).text).toBe(
      '•••• •••• •••• 4242 cvv [CVV hidden]',
    );
  });
});

describe('testing a custom rule on sample text', () => {
  it('masks the sample with the candidate rule and the organisation settings, saving nothing', async () => {
    const a = await admin();
    const before = (await (await a.request('GET', '/api/settings/masking')).json()) as {
      version: number;
    };
    const res = await a.request('POST', '/api/settings/masking/test', {
      rule: { id: 'ticket', pattern: 'TCK-[0-9]{5}', label: 'ticket' },
      text: 'ticket TCK-12345, card 4242 4242 4242 4242',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { text: string; findings: Array<{ type: string }> };
    expect(body.text).toBe('ticket [ticket hidden], card •••• •••• •••• 4242');
    expect(body.findings.map((f) => f.type).sort()).toEqual(['custom:ticket', 'pan']);
    const after = (await (await a.request('GET', '/api/settings/masking')).json()) as {
      version: number;
    };
    expect(after.version).toBe(before.version);
  });

  it('refuses an invalid candidate with invalid_masking_rule, and is for admins only', async () => {
    const a = await admin();
    const bad = await a.request('POST', '/api/settings/masking/test', {
      rule: { id: 'x', pattern: '(?<=a)b' },
      text: 'ab',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe(
      'invalid_masking_rule',
    );
    const agent = await t.createAgent('agent');
    const c = new AgentClient(t.url);
    await c.login(agent.email, agent.password);
    const res = await c.request('POST', '/api/settings/masking/test', {
      rule: { id: 'x', pattern: 'a' },
      text: 'a',
    });
    expect(res.status).toBe(403);
  });
});

describe('masking settings across nodes', () => {
  it('a node picks up a change saved on another node from the bus event', async () => {
    const bus = createLocalBus();
    const log = createLogger('silent');
    const nodeA = createMaskingSettingsService({ store: t.server.store, bus, log });
    const nodeB = createMaskingSettingsService({ store: t.server.store, bus, log });
    await nodeA.start();
    await nodeB.start();
    const org = await t.server.store.orgs.create({ name: 'Nodes', allowedOrigins: [] });
    await nodeB.ready(org.id);
    const before = nodeB.optionsFor(org.id);
    expect(before?.panDisplay).toBe('last4');
    const by = {
      actor: { kind: 'agent' as const, agentId: 'agent-x', orgId: org.id, role: 'admin' as const },
      agentId: 'agent-x',
      orgId: org.id,
      ip: null,
    };
    await nodeA.save(by, { panDisplay: 'none' });
    await expect.poll(() => nodeB.optionsFor(org.id)?.panDisplay).toBe('none');
    await nodeA.stop();
    await nodeB.stop();
    await bus.close();
  });
});
