// Issue 12 items 1, 5, 6: an erasure reaches the vault (a real vault process, over the signed
// API): the visitor's payment records there keep only what accounting needs, and a search of the
// vault's raw database files (with WAL) finds nothing of what was erased. An unreachable vault
// stops the erasure with a retryable error and nothing changed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedFetch } from '@parley/signing';
import { AgentClient } from '../../../test/clients';
import { chatWithVisitor, requestPayment, startServerWithVault } from '../../../test/payment-flow';

const letters = (n: number) =>
  Array.from(
    { length: n },
    () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 26)],
  ).join('');

describe('erasure reaches the vault', () => {
  let env: Awaited<ReturnType<typeof startServerWithVault>>;
  let admin: AgentClient;
  beforeAll(async () => {
    env = await startServerWithVault({ logLevel: 'warn' });
    admin = new AgentClient(env.server.url);
    await admin.login(env.server.admin.email, env.server.admin.password);
  });
  afterAll(async () => env?.close());

  const vaultFiles = () => {
    const file = join(env.vault.dataDir, 'vault.sqlite');
    return Buffer.concat(
      [file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)),
    );
  };

  it("anonymises the visitor's payments in the vault; its raw files keep nothing of them", async () => {
    const { agent, visitor } = await chatWithVisitor(env.server);
    const tag = letters(12);
    const description = `Order for Quentin ${tag}`;
    const { body } = await requestPayment(agent, visitor.conversationId, { description });
    const id = body.payment.id;
    // The request (with its description) is stored in the vault; no pay page is needed for that.
    expect(vaultFiles().includes(Buffer.from(tag))).toBe(true);

    const res = await admin.request('POST', '/api/privacy/erase', {
      visitorId: visitor.visitorId,
      confirm: true,
    });
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as { erased: { vaultPayments?: number } }).erased.vaultPayments,
    ).toBe(1);

    // The vault keeps the accounting summary, nothing more.
    const summary = await signedFetch({
      secret: env.secrets.serverToVault,
      url: `${env.vault.url}/v1/payment-requests/${id}`,
      method: 'GET',
    });
    expect(await summary.json()).toMatchObject({
      id,
      // Still payable when erased: canceled, its link dead.
      status: 'canceled',
      amount: 1250,
      currency: 'EUR',
      description: '',
      conversationId: '',
    });
    expect(vaultFiles().includes(Buffer.from(tag))).toBe(false);
    // The chat store's copy of the payment keeps its summary without the description.
    const chatCopy = await env.server.server.store.db
      .selectFrom('payments')
      .select(['description', 'amount'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(chatCopy).toMatchObject({ description: '' });
    expect(Number(chatCopy.amount)).toBe(1250);
  });

  it('an unreachable vault stops the erasure, retryable, with nothing erased', async () => {
    const { agent, visitor } = await chatWithVisitor(env.server);
    await requestPayment(agent, visitor.conversationId, { description: 'Order kept for now' });
    await env.vault.stop();
    const res = await admin.request('POST', '/api/privacy/erase', {
      visitorId: visitor.visitorId,
      confirm: true,
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'payment_unavailable',
    );
    const v = await env.server.server.store.visitors.byId(env.server.orgId, visitor.visitorId);
    expect(v?.revokedAt).toBeNull();
  });
});
