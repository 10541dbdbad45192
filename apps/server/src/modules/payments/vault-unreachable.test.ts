import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentSummary } from '@parley/protocol';
import type { AgentClient } from '../../../test/clients';
import {
  chatWithVisitor,
  confirmCard,
  openPayLink,
  payLink,
  requestPayment,
  startServerWithVault,
} from '../../../test/payment-flow';
import { startVaultProxy, until, type VaultProxy } from '../../../test/vault-proxy';
import { freePort } from '../../../test/vault-process';

interface VaultRow {
  id: string;
  status: string;
  voided_at: string | null;
  idempotency_key: string;
}

function vaultDb<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'vault.sqlite'), { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
const vaultPayments = (dataDir: string) =>
  vaultDb(dataDir, (db) =>
    db.prepare('select id, status, voided_at, idempotency_key from payments').all(),
  ) as VaultRow[];
const undelivered = (dataDir: string) =>
  vaultDb(
    dataDir,
    (db) =>
      (
        db.prepare('select count(*) as n from outbox where delivered_at is null').get() as {
          n: number;
        }
      ).n,
  );
const forKey = (rows: VaultRow[], key: string) =>
  rows.filter((r) => r.idempotency_key.includes(key));
const list = async (agent: AgentClient, conversationId: string) =>
  (
    (await (
      await agent.request('GET', `/api/conversations/${conversationId}/payments`)
    ).json()) as {
      payments: PaymentSummary[];
    }
  ).payments;

describe('vault unreachable, answers lost, vault hung', () => {
  let env: Awaited<ReturnType<typeof startServerWithVault>>;
  let proxy: VaultProxy;

  beforeAll(async () => {
    const vaultPort = await freePort();
    proxy = await startVaultProxy(() => vaultPort);
    env = await startServerWithVault({
      logLevel: 'warn',
      vaultUrl: `http://127.0.0.1:${proxy.port}`,
      vaultPort,
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await env?.close();
  });

  it('a lost create answer is voided; a retry with the same key makes exactly one payable request', async () => {
    const { agent, visitor, agentWs } = await chatWithVisitor(env.server);
    const key = 'retry-key-0001';
    const dir = env.vault.dataDir;

    proxy.mode = 'down';
    const down = await requestPayment(agent, visitor.conversationId, { idempotencyKey: key });
    expect([down.res.status, down.body.error?.code]).toEqual([503, 'payment_unavailable']);
    expect(forKey(vaultPayments(dir), key)).toHaveLength(0);
    expect(await list(agent, visitor.conversationId)).toHaveLength(0);

    // The vault creates the request but its answer is lost on the way back: the server
    // reports failure and withdraws that attempt, so the request is never payable.
    proxy.mode = 'lose-response';
    const lost = await requestPayment(agent, visitor.conversationId, { idempotencyKey: key });
    expect([lost.res.status, lost.body.error?.code]).toEqual([503, 'payment_unavailable']);
    const [withdrawn] = await until('the lost request to be voided', () => {
      const rows = forKey(vaultPayments(dir), key);
      return rows.length === 1 && rows[0]!.voided_at !== null ? rows : undefined;
    });
    expect(withdrawn!.status).toBe('canceled');
    await until('the vault to deliver its events', () => undelivered(dir) === 0);
    expect(await list(agent, visitor.conversationId)).toHaveLength(0);
    const link = await payLink(env.server, visitor.token, visitor.conversationId, withdrawn!.id);
    expect([link.status, link.code]).toEqual([404, 'payment_not_found']);

    // The agent tries again with the same key: one new request, the withdrawn one stays dead.
    proxy.mode = 'up';
    const retried = await requestPayment(agent, visitor.conversationId, { idempotencyKey: key });
    expect(retried.res.status).toBe(201);
    const again = await requestPayment(agent, visitor.conversationId, { idempotencyKey: key });
    expect(again.body.payment.id).toBe(retried.body.payment.id);
    const rows = forKey(vaultPayments(dir), key);
    expect(rows.map((r) => r.status).sort()).toEqual(['canceled', 'created']);
    expect(rows.find((r) => r.status === 'created')!.id).toBe(retried.body.payment.id);
    expect((await list(agent, visitor.conversationId)).map((p) => p.id)).toEqual([
      retried.body.payment.id,
    ]);
    await agentWs.next('payment', (f) => f.payment.id === retried.body.payment.id);

    // Cancel while the vault is down: a clear error, the request stays as it was.
    proxy.mode = 'down';
    const cancel = await agent.request(
      'POST',
      `/api/payments/${retried.body.payment.id}/cancel`,
      {},
    );
    expect([
      cancel.status,
      ((await cancel.json()) as { error: { code: string } }).error.code,
    ]).toEqual([503, 'payment_unavailable']);
    expect((await list(agent, visitor.conversationId))[0]!.status).toBe('created');
    proxy.mode = 'up';
  });

  it('regression (issue 18): a refund whose answer is lost, retried with the same key, refunds once', async () => {
    const supervisor = await chatWithVisitor(env.server, 'supervisor');
    const conv = supervisor.visitor.conversationId;
    const made = await requestPayment(supervisor.agent, conv);
    const id = made.body.payment.id;
    const link = await payLink(env.server, supervisor.visitor.token, conv, id);
    const open = await openPayLink(link.payUrl);
    const paid = await confirmCard(env.vault.url, id, open.cookie, {
      number: '4242 4242 4242 4242',
      cvc: '737',
    });
    expect([open.status, paid.body]).toEqual([
      200,
      expect.objectContaining({ status: 'succeeded' }),
    ]);
    await until('the server to see the payment succeed', async () =>
      (await list(supervisor.agent, conv))[0]?.status === 'succeeded' ? true : undefined,
    );
    const refund = () =>
      supervisor.agent.request('POST', `/api/payments/${id}/refunds`, {
        full: true,
        idempotencyKey: 'refund-intent-0001',
      });
    proxy.mode = 'lose-response';
    expect((await refund()).status).toBe(503);
    proxy.mode = 'up';
    for (let click = 0; click < 3; click++) {
      const r = await refund();
      expect(r.status).toBe(200);
      expect(((await r.json()) as { payment: PaymentSummary }).payment.amountRefunded).toBe(1250);
    }
    const refunds = vaultDb(env.vault.dataDir, (db) =>
      db.prepare('select amount, status from refunds where payment_id = ?').all(id),
    );
    expect(refunds).toEqual([{ amount: 1250, status: 'succeeded' }]);
  });

  it('regression (issue 18): a hung vault that completes the create after the server gave up never makes it payable, whichever of create and void lands first', async () => {
    const { agent, visitor } = await chatWithVisitor(env.server);
    const dir = env.vault.dataDir;
    proxy.mode = 'hang';
    const [first, second] = await Promise.all([
      requestPayment(agent, visitor.conversationId, { idempotencyKey: 'hung-create-first' }),
      requestPayment(agent, visitor.conversationId, { idempotencyKey: 'hung-void-first' }),
    ]);
    for (const r of [first, second])
      expect([r.res.status, r.body.error?.code]).toEqual([503, 'payment_unavailable']);
    // Both creates and both voids are held by the hung "vault".
    const held = await until('two creates and two voids held', () => {
      const creates = proxy.held.filter((h) => h.path === '/v1/payment-requests');
      const voids = proxy.held.filter((h) => h.path === '/v1/payment-requests/voids');
      return creates.length === 2 && voids.length >= 2 ? { creates, voids } : undefined;
    });
    proxy.mode = 'up';
    const call = (list: typeof held.creates, key: string) =>
      list.find((h) => h.body.includes(key))!;
    // The vault finishes the create, then the void arrives: the request is withdrawn.
    await call(held.creates, 'hung-create-first').release();
    await call(held.voids, 'hung-create-first').release();
    // The void arrives first: the create that comes later is refused (a tombstone).
    await call(held.voids, 'hung-void-first').release();
    await call(held.creates, 'hung-void-first').release();

    const a = forKey(vaultPayments(dir), 'hung-create-first');
    expect(a.map((r) => [r.status, r.voided_at !== null])).toEqual([['canceled', true]]);
    expect(forKey(vaultPayments(dir), 'hung-void-first')).toHaveLength(0);
    await until('the vault to deliver its events', () => undelivered(dir) === 0);
    expect(await list(agent, visitor.conversationId)).toHaveLength(0);
    const link = await payLink(env.server, visitor.token, visitor.conversationId, a[0]!.id);
    expect(link.status).toBe(404);

    // Retrying either intent later still works, once.
    const retry = await requestPayment(agent, visitor.conversationId, {
      idempotencyKey: 'hung-create-first',
    });
    expect(retry.res.status).toBe(201);
    expect((await list(agent, visitor.conversationId)).map((p) => p.id)).toEqual([
      retry.body.payment.id,
    ]);
    for (const h of proxy.held.splice(0)) await h.release();
  }, 40_000);
});

describe('a real hung vault process', () => {
  let env: Awaited<ReturnType<typeof startServerWithVault>>;
  beforeAll(async () => {
    env = await startServerWithVault({ logLevel: 'warn' });
  });
  afterAll(async () => {
    if (env?.vault.child.exitCode === null) env.vault.child.kill('SIGCONT');
    await env?.close();
  });

  it('regression (issue 18): SIGSTOP the vault during a create, SIGCONT after the server reported failure: no payable request, no card', async () => {
    const { agent, visitor } = await chatWithVisitor(env.server);
    const dir = env.vault.dataDir;
    env.vault.child.kill('SIGSTOP');
    let r: Awaited<ReturnType<typeof requestPayment>>;
    try {
      r = await requestPayment(agent, visitor.conversationId, {
        idempotencyKey: 'stopped-vault-1',
      });
    } finally {
      env.vault.child.kill('SIGCONT');
    }
    expect([r.res.status, r.body.error?.code]).toEqual([503, 'payment_unavailable']);
    // Whatever the vault made of the queued create and void once it runs again, nothing is payable.
    await until('the vault to settle the withdrawn attempt', () => {
      const attempts = vaultDb(dir, (db) =>
        db
          .prepare(
            "select voided_at from payment_key_attempts where idempotency_key like '%stopped-vault-1'",
          )
          .all(),
      ) as { voided_at: string | null }[];
      return attempts.length > 0 && attempts.every((x) => x.voided_at !== null);
    });
    const rows = forKey(vaultPayments(dir), 'stopped-vault-1');
    expect(rows.every((x) => x.status === 'canceled' && x.voided_at !== null)).toBe(true);
    await until('the vault to deliver its events', () => undelivered(dir) === 0);
    expect(await list(agent, visitor.conversationId)).toHaveLength(0);
    for (const row of rows) {
      const link = await payLink(env.server, visitor.token, visitor.conversationId, row.id);
      expect(link.status).toBe(404);
    }
    const retry = await requestPayment(agent, visitor.conversationId, {
      idempotencyKey: 'stopped-vault-1',
    });
    expect(retry.res.status).toBe(201);
  }, 40_000);
});
