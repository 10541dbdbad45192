import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient } from '../../../test/clients';
import {
  chatWithVisitor,
  confirmCard,
  openPayLink,
  payLink,
  paymentFrame,
  requestPayment,
  startServerWithVault,
} from '../../../test/payment-flow';

// Evidence for DESIGN.md law 2 ("card data lives only in the vault"): run the
// whole flow, then search every byte the agent and the disks could have seen.
const PANS = ['4242424242424242', '4000000000000002'];
const CVC = '737';

/** A PAN written with any separators (spaces, dashes) between its digits. */
const panPattern = (pan: string) => new RegExp(pan.split('').join('[\\s-]?'));
/** The CVC as a value on its own, not as part of a longer number, id or timestamp. */
const cvcPattern = new RegExp(`(?<![0-9A-Za-z])${CVC}(?![0-9A-Za-z])`);

/** An AgentClient that keeps every HTTP response body it received. */
class RecordingAgent extends AgentClient {
  readonly bodies: string[] = [];
  override async login(email: string, password: string): Promise<Response> {
    const res = await super.login(email, password);
    this.bodies.push(await res.clone().text());
    return res;
  }
  override async request(
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<Response> {
    const res = await super.request(method, path, body, extra);
    this.bodies.push(await res.clone().text());
    return res;
  }
}

describe('no card data outside the vault, after a whole payment flow', () => {
  const haystacks: { name: string; bytes: Buffer }[] = [];
  let env: Awaited<ReturnType<typeof startServerWithVault>>;
  let paidId = '';

  beforeAll(async () => {
    env = await startServerWithVault({ logLevel: 'debug', vaultEnv: { VAULT_LOG_LEVEL: 'debug' } });
    const { server, vault } = env;
    const {
      agent: plain,
      visitor,
      agentWs,
      visitorWs,
    } = await chatWithVisitor(server, 'supervisor');
    // The same session, recording: every REST answer the console gets.
    const agent = Object.assign(new RecordingAgent(server.url), {
      cookie: plain.cookie,
      csrf: plain.csrf,
    });
    const frames: string[] = [];
    agentWs.ws.on('message', (d: Buffer) => frames.push(d.toString('utf8')));

    // A paid request (with a double submit), a declined one, a refund, and the lists.
    const paid = (await requestPayment(agent, visitor.conversationId)).body.payment.id;
    paidId = paid;
    let open = await openPayLink(
      (await payLink(server, visitor.token, visitor.conversationId, paid)).payUrl,
    );
    const card = { number: '4242 4242 4242 4242', cvc: CVC };
    await Promise.all([
      confirmCard(vault.url, paid, open.cookie, card),
      confirmCard(vault.url, paid, open.cookie, card),
    ]);
    await paymentFrame(agentWs, paid, 'succeeded');
    const declined = (await requestPayment(agent, visitor.conversationId, { amount: 500 })).body
      .payment.id;
    open = await openPayLink(
      (await payLink(server, visitor.token, visitor.conversationId, declined)).payUrl,
    );
    await confirmCard(vault.url, declined, open.cookie, { number: '4000000000000002', cvc: CVC });
    await paymentFrame(agentWs, declined, 'failed');
    await agent.request('POST', `/api/payments/${paid}/refunds`, {
      amount: 250,
      idempotencyKey: 'refund-evidence-1',
    });
    await agentWs.next(
      'payment',
      (f) => f.payment.id === paid && f.payment.amountRefunded === 250,
      10_000,
    );
    await agent.request('GET', `/api/conversations/${visitor.conversationId}/payments`);
    await agent.request('GET', `/api/conversations/${visitor.conversationId}/messages`);
    await agent.request('GET', `/api/conversations/${visitor.conversationId}`);
    await agent.request('GET', '/api/conversations?status=active');
    await agent.request('GET', '/api/payments/settings');
    visitorWs.close();
    agentWs.close();

    // The chat store: its SQLite file and WAL, raw bytes, while the server still holds them.
    const rows = await sql<{ file: string }>`pragma database_list`.execute(server.server.store.db);
    const dbFile = rows.rows.find((r) => r.file)?.file ?? '';
    for (const f of [dbFile, `${dbFile}-wal`])
      if (existsSync(f)) haystacks.push({ name: `chat store ${f}`, bytes: readFileSync(f) });
    // The vault's store, after it stopped (so its WAL is final).
    await vault.stop();
    const vdb = join(vault.dataDir, 'vault.sqlite');
    for (const f of [vdb, `${vdb}-wal`])
      if (existsSync(f)) haystacks.push({ name: `vault store ${f}`, bytes: readFileSync(f) });
    haystacks.push({ name: 'server logs', bytes: Buffer.from(server.logs.join('')) });
    haystacks.push({ name: 'vault logs', bytes: Buffer.from(vault.logs.join('')) });
    haystacks.push({ name: 'agent WebSocket frames', bytes: Buffer.from(frames.join('\n')) });
    haystacks.push({ name: 'agent HTTP responses', bytes: Buffer.from(agent.bodies.join('\n')) });
  }, 60_000);

  afterAll(async () => env?.close());

  it('searched real data: the stores, logs, frames and responses are there and name the payment', () => {
    const names = haystacks.map((h) => h.name);
    expect(names.some((n) => n.startsWith('chat store'))).toBe(true);
    expect(names.some((n) => n.startsWith('vault store'))).toBe(true);
    for (const h of haystacks) expect(h.bytes.length, h.name).toBeGreaterThan(0);
    const frames = haystacks.find((h) => h.name === 'agent WebSocket frames')!.bytes.toString();
    // Positive control: the agent did see brand and last four, and the stores hold the payment.
    expect(frames).toContain('"last4":"4242"');
    expect(frames).toContain('"brand":"visa"');
    for (const store of ['chat store', 'vault store']) {
      // The file and its WAL together: recent rows may still be only in the WAL.
      const bytes = Buffer.concat(
        haystacks.filter((x) => x.name.startsWith(store)).map((x) => x.bytes),
      );
      expect(bytes.includes(paidId), store).toBe(true);
    }
  });

  it('finds neither PAN anywhere: chat store, vault store, server and vault logs, agent frames and responses', () => {
    for (const h of haystacks) {
      const text = h.bytes.toString('latin1');
      for (const pan of PANS) expect(panPattern(pan).test(text), `${pan} in ${h.name}`).toBe(false);
    }
  });

  it('finds the CVV nowhere', () => {
    for (const h of haystacks)
      expect(cvcPattern.exec(h.bytes.toString('latin1'))?.[0], `CVV in ${h.name}`).toBeUndefined();
  });
});
