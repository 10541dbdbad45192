import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest, signedFetch } from '@parley/signing';
import type { PaymentSummary } from '@parley/protocol';
import { AgentClient, newVisitor } from '../../../test/clients';
import {
  chatWithVisitor,
  confirmCard,
  openPayLink,
  payLink,
  paymentFrame,
  requestPayment,
  startServerWithVault,
} from '../../../test/payment-flow';
import { startTestServer, type TestServer } from '../../../test/test-server';
import type { VaultProcess } from '../../../test/vault-process';

// The chat server and a real vault process, talking over the signed API.
describe('in-chat payments (server + vault process)', () => {
  let env: Awaited<ReturnType<typeof startServerWithVault>>;
  let server: TestServer;
  let vault: VaultProcess;
  beforeAll(async () => {
    env = await startServerWithVault({ logLevel: 'warn' });
    server = env.server;
    vault = env.vault;
  });
  afterAll(async () => env?.close());

  it('runs a payment: created → opened → succeeded, live to both sides, and the chat goes on', async () => {
    const { agent, visitor, agentWs, visitorWs } = await chatWithVisitor(server);
    const { res, body } = await requestPayment(agent, visitor.conversationId);
    expect(res.status).toBe(201);
    const id = body.payment.id;
    expect(body.payment).toMatchObject({
      status: 'created',
      amount: 1250,
      currency: 'EUR',
      description: 'Order 1042',
      brand: null,
      last4: null,
    });
    await paymentFrame(agentWs, id, 'created');
    await paymentFrame(visitorWs, id, 'created');

    const link = await payLink(server, visitor.token, visitor.conversationId, id);
    expect(link.status).toBe(200);
    expect(new URL(link.payUrl).origin).toBe(vault.url);
    const open = await openPayLink(link.payUrl);
    expect(open.status).toBe(200);
    await paymentFrame(agentWs, id, 'opened');

    const paid = await confirmCard(vault.url, id, open.cookie, {
      number: '4242 4242 4242 4242',
      cvc: '737',
    });
    expect(paid.body).toMatchObject({ status: 'succeeded' });
    const a = await paymentFrame(agentWs, id, 'succeeded');
    expect(a.payment).toMatchObject({
      brand: 'visa',
      last4: '4242',
      gatewayReference: expect.stringMatching(/^test_ch_/) as unknown,
      amount: 1250,
    });
    await paymentFrame(visitorWs, id, 'succeeded');

    const list = (await (
      await agent.request('GET', `/api/conversations/${visitor.conversationId}/payments`)
    ).json()) as { payments: PaymentSummary[] };
    expect(list.payments.map((p) => [p.id, p.status])).toEqual([[id, 'succeeded']]);
    const vlist = await fetch(
      `${server.url}/api/visitor/conversations/${visitor.conversationId}/payments`,
      { headers: { authorization: `Bearer ${visitor.token}` } },
    );
    expect(((await vlist.json()) as { payments: PaymentSummary[] }).payments[0]?.status).toBe(
      'succeeded',
    );

    visitorWs.send({
      type: 'send',
      clientMsgId: 'after-pay',
      conversationId: visitor.conversationId,
      text: 'Paid, thanks!',
    });
    await agentWs.next('message', (m) => m.text === 'Paid, thanks!');
    // A paid request has no pay link any more.
    expect((await payLink(server, visitor.token, visitor.conversationId, id)).code).toBe(
      'invalid_payment_state',
    );
  });

  it('refunds only for supervisors: partial, then never above what remains', async () => {
    const { agent, visitor, agentWs } = await chatWithVisitor(server);
    const { body } = await requestPayment(agent, visitor.conversationId, { amount: 1000 });
    const id = body.payment.id;
    const open = await openPayLink(
      (await payLink(server, visitor.token, visitor.conversationId, id)).payUrl,
    );
    await confirmCard(vault.url, id, open.cookie, { number: '4242424242424242', cvc: '737' });
    await paymentFrame(agentWs, id, 'succeeded');

    const denied = await agent.request('POST', `/api/payments/${id}/refunds`, {
      amount: 100,
      idempotencyKey: randomUUID(),
    });
    expect(denied.status).toBe(403);

    const sup = await server.createAgent('supervisor');
    const supervisor = new AgentClient(server.url);
    await supervisor.login(sup.email, sup.password);
    const key = randomUUID();
    const partial = await supervisor.request('POST', `/api/payments/${id}/refunds`, {
      amount: 300,
      idempotencyKey: key,
    });
    expect(partial.status).toBe(200);
    expect(((await partial.json()) as { payment: PaymentSummary }).payment).toMatchObject({
      status: 'succeeded',
      amountRefunded: 300,
    });
    // The same key again is the same refund, not a second one.
    const again = await supervisor.request('POST', `/api/payments/${id}/refunds`, {
      amount: 300,
      idempotencyKey: key,
    });
    expect(((await again.json()) as { payment: PaymentSummary }).payment.amountRefunded).toBe(300);
    const tooMuch = await supervisor.request('POST', `/api/payments/${id}/refunds`, {
      amount: 701,
      idempotencyKey: randomUUID(),
    });
    expect(tooMuch.status).toBe(409);
    expect(((await tooMuch.json()) as { error: { code: string } }).error.code).toBe(
      'refund_exceeds_amount',
    );
    // An empty amount no longer means "everything" (issue 16): the console must say which.
    const unsaid = await supervisor.request('POST', `/api/payments/${id}/refunds`, {
      idempotencyKey: randomUUID(),
    });
    expect(unsaid.status).toBe(400);
    const rest = await supervisor.request('POST', `/api/payments/${id}/refunds`, {
      full: true,
      idempotencyKey: randomUUID(),
    });
    expect(((await rest.json()) as { payment: PaymentSummary }).payment.amountRefunded).toBe(1000);
    await agentWs.next('payment', (f) => f.payment.id === id && f.payment.amountRefunded === 1000);
  });

  it('cancels an open request; a canceled request has no pay link and cannot be canceled again', async () => {
    const { agent, visitor, visitorWs } = await chatWithVisitor(server);
    const { body } = await requestPayment(agent, visitor.conversationId);
    const id = body.payment.id;
    const link = await payLink(server, visitor.token, visitor.conversationId, id);
    const res = await agent.request('POST', `/api/payments/${id}/cancel`, {});
    expect(((await res.json()) as { payment: PaymentSummary }).payment.status).toBe('canceled');
    await paymentFrame(visitorWs, id, 'canceled');
    expect((await openPayLink(link.payUrl)).status).toBe(410);
    expect((await payLink(server, visitor.token, visitor.conversationId, id)).code).toBe(
      'invalid_payment_state',
    );
    const twice = await agent.request('POST', `/api/payments/${id}/cancel`, {});
    expect(((await twice.json()) as { error: { code: string } }).error.code).toBe(
      'invalid_payment_state',
    );
  });

  it('shows a declined card as failed with a safe message to both sides', async () => {
    const { agent, visitor, agentWs, visitorWs } = await chatWithVisitor(server);
    const id = (await requestPayment(agent, visitor.conversationId)).body.payment.id;
    const open = await openPayLink(
      (await payLink(server, visitor.token, visitor.conversationId, id)).payUrl,
    );
    await confirmCard(vault.url, id, open.cookie, { number: '4000000000000002', cvc: '737' });
    const f = await paymentFrame(agentWs, id, 'failed');
    expect(f.payment.failureMessage).toEqual(expect.any(String));
    expect(f.payment.last4).toBe('0002');
    await paymentFrame(visitorWs, id, 'failed');
  });

  it('charges once for concurrent confirmations, and ignores an amount sent by the browser', async () => {
    const { agent, visitor, agentWs } = await chatWithVisitor(server);
    const id = (await requestPayment(agent, visitor.conversationId, { amount: 4999 })).body.payment
      .id;
    const open = await openPayLink(
      (await payLink(server, visitor.token, visitor.conversationId, id)).payUrl,
    );
    const card = { number: '4242424242424242', cvc: '737' };
    const results = await Promise.all(
      [0, 1, 2].map(() =>
        confirmCard(vault.url, id, open.cookie, card, { amount: 1, currency: 'JPY' }),
      ),
    );
    expect(results.filter((r) => r.body.status === 'succeeded').length).toBeGreaterThanOrEqual(1);
    const f = await paymentFrame(agentWs, id, 'succeeded');
    expect(f.payment).toMatchObject({ amount: 4999, currency: 'EUR' });
    // More detail (double submit with one key, charge row uniqueness) in apps/vault/src/modules/pay/checkout.test.ts.
  });

  it('refuses a replayed pay link', async () => {
    const { agent, visitor } = await chatWithVisitor(server);
    const id = (await requestPayment(agent, visitor.conversationId)).body.payment.id;
    const link = await payLink(server, visitor.token, visitor.conversationId, id);
    expect((await openPayLink(link.payUrl)).status).toBe(200);
    expect((await openPayLink(link.payUrl)).status).toBe(410);
    // A new link (the visitor closed the window) replaces it.
    const fresh = await payLink(server, visitor.token, visitor.conversationId, id);
    expect(fresh.payUrl).not.toBe(link.payUrl);
    expect((await openPayLink(fresh.payUrl)).status).toBe(200);
  });

  it('checks currency, permission and tenancy on every request', async () => {
    const { agent, visitor } = await chatWithVisitor(server);
    const jpy = await requestPayment(agent, visitor.conversationId, { currency: 'JPY' });
    expect([jpy.res.status, jpy.body.error?.code]).toEqual([400, 'currency_not_allowed']);
    const bad = await requestPayment(agent, visitor.conversationId, { amount: 12.5 });
    expect(bad.res.status).toBe(400);
    const id = (await requestPayment(agent, visitor.conversationId)).body.payment.id;

    // Another organisation's agent sees neither the conversation nor the payment.
    const org2 = await server.server.store.orgs.create({ name: 'Other', allowedOrigins: [] });
    const stranger = await server.createAgent('supervisor', org2.id);
    const other = new AgentClient(server.url);
    await other.login(stranger.email, stranger.password);
    expect((await requestPayment(other, visitor.conversationId)).body.error?.code).toBe(
      'conversation_not_found',
    );
    expect(
      (
        (await (await other.request('POST', `/api/payments/${id}/cancel`, {})).json()) as {
          error: { code: string };
        }
      ).error.code,
    ).toBe('payment_not_found');
    // Another visitor gets no link to it.
    const v2 = await newVisitor(server.url, server.orgKey);
    expect((await payLink(server, v2.token, visitor.conversationId, id)).status).toBe(404);
    // An agent who does not hold the conversation cannot ask for money in it.
    const waiting = await newVisitor(server.url, server.orgKey);
    expect((await requestPayment(agent, waiting.conversationId)).res.status).toBe(403);
  });

  it('regression (issue 10 finding 9): only the holder and supervisors act on a payment; a colleague cannot cancel it', async () => {
    const { agent, visitor } = await chatWithVisitor(server);
    const id = (await requestPayment(agent, visitor.conversationId)).body.payment.id;
    const colleagueCreds = await server.createAgent('agent');
    const colleague = new AgentClient(server.url);
    await colleague.login(colleagueCreds.email, colleagueCreds.password);
    // The colleague may see the conversation's cards, but not act on them.
    expect(
      (await colleague.request('GET', `/api/conversations/${visitor.conversationId}/payments`))
        .status,
    ).toBe(200);
    const denied = await colleague.request('POST', `/api/payments/${id}/cancel`, {});
    expect([
      denied.status,
      ((await denied.json()) as { error: { code: string } }).error.code,
    ]).toEqual([403, 'forbidden']);
    expect((await server.server.store.payments.byId(server.orgId, id))!.status).toBe('created');
    const sup = await server.createAgent('supervisor');
    const supervisor = new AgentClient(server.url);
    await supervisor.login(sup.email, sup.password);
    expect((await supervisor.request('POST', `/api/payments/${id}/cancel`, {})).status).toBe(200);
  });

  it('regression (issue 10 finding 9): another organisation’s payment answers exactly like a missing one', async () => {
    const { agent, visitor } = await chatWithVisitor(server);
    const id = (await requestPayment(agent, visitor.conversationId)).body.payment.id;
    const org2 = await server.server.store.orgs.create({ name: 'Elsewhere', allowedOrigins: [] });
    const stranger = await server.createAgent('admin', org2.id);
    const other = new AgentClient(server.url);
    await other.login(stranger.email, stranger.password);
    const answer = async (path: string, body: unknown) => {
      const r = await other.request('POST', path, body);
      return { status: r.status, body: await r.json() };
    };
    const refund = { full: true, idempotencyKey: randomUUID() };
    expect(await answer(`/api/payments/${id}/cancel`, {})).toEqual(
      await answer('/api/payments/pay_doesnotexist0000/cancel', {}),
    );
    expect(await answer(`/api/payments/${id}/refunds`, refund)).toEqual(
      await answer('/api/payments/pay_doesnotexist0000/refunds', refund),
    );
  });

  it('accepts vault events only when signed over the raw body, once per id, newer versions only', async () => {
    const { agent, visitor } = await chatWithVisitor(server);
    const id = (await requestPayment(agent, visitor.conversationId)).body.payment.id;
    const current = (await server.server.store.payments.byId(server.orgId, id))!;
    const event = (version: number, status: string) => ({
      id: `evt_${randomUUID()}`,
      type: 'payment.updated',
      createdAt: new Date().toISOString(),
      payment: {
        id,
        orgId: server.orgId,
        conversationId: visitor.conversationId,
        status,
        amount: 1250,
        currency: 'EUR',
        amountRefunded: 0,
        refundStatus: 'none',
        description: 'Order 1042',
        merchantName: 'x',
        brand: null,
        last4: null,
        gatewayReference: null,
        failureCode: null,
        failureMessage: null,
        expiresAt: new Date().toISOString(),
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
        version,
      },
    });
    const post = (body: string, secret: string, tamper?: (b: string) => string) =>
      fetch(`${server.url}/internal/vault/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signRequest({ secret, method: 'POST', path: '/internal/vault/events', body }),
        },
        body: tamper ? tamper(body) : body,
      });
    const forged = JSON.stringify(event(current.vaultVersion + 5, 'succeeded'));
    expect((await post(forged, 'not-the-secret-not-the-secret-not-the-secret')).status).toBe(401);
    expect(
      (
        await post(forged, env.secrets.vaultToServer, (b) =>
          b.replace('"amount":1250', '"amount":1'),
        )
      ).status,
    ).toBe(401);
    // The other direction's secret is not accepted either.
    expect((await post(forged, env.secrets.serverToVault)).status).toBe(401);
    expect((await server.server.store.payments.byId(server.orgId, id))!.status).toBe('created');

    const stale = JSON.stringify(event(0, 'canceled'));
    const r = await post(stale, env.secrets.vaultToServer);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ applied: false });
    expect((await server.server.store.payments.byId(server.orgId, id))!.status).toBe('created');
  });

  it('refuses a forged server → vault call: no signature, wrong secret, or a tampered amount', async () => {
    const body = {
      orgId: server.orgId,
      conversationId: 'c',
      amount: 1,
      currency: 'EUR',
      description: 'x',
      merchantName: 'x',
      idempotencyKey: randomUUID(),
    };
    const unsigned = await fetch(`${vault.url}/v1/payment-requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(unsigned.status).toBe(401);
    const wrong = await signedFetch({
      secret: env.secrets.vaultToServer,
      url: `${vault.url}/v1/payment-requests`,
      json: body,
    });
    expect(wrong.status).toBe(401);
    const raw = JSON.stringify({ ...body, amount: 1250 });
    const tampered = await fetch(`${vault.url}/v1/payment-requests`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signRequest({
          secret: env.secrets.serverToVault,
          method: 'POST',
          path: '/v1/payment-requests',
          body: raw,
        }),
      },
      body: raw.replace('"amount":1250', '"amount":1'),
    });
    expect(tampered.status).toBe(401);
  });
});

describe('payments without a vault', () => {
  it('says payments are off and answers payment_unavailable', async () => {
    const server = await startTestServer({ logLevel: 'warn' });
    try {
      const { agent, visitor } = await chatWithVisitor(server);
      const settings = (await (await agent.request('GET', '/api/payments/settings')).json()) as {
        enabled: boolean;
        currencies: string[];
      };
      expect(settings).toMatchObject({ enabled: false, currencies: ['EUR', 'USD', 'GBP'] });
      const r = await requestPayment(agent, visitor.conversationId);
      expect([r.res.status, r.body.error?.code]).toEqual([503, 'payment_unavailable']);
      const ev = await fetch(`${server.url}/internal/vault/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(ev.status).toBe(503);
    } finally {
      await server.close();
    }
  });
});
