import { createServer, request as httpRequest, type Server } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentSummary } from '@parley/protocol';
import { chatWithVisitor, requestPayment, startServerWithVault } from '../../../test/payment-flow';
import { freePort } from '../../../test/vault-process';

type Mode = 'up' | 'down' | 'lose-response';

/**
 * A proxy between the server and the vault that can be down (connections cut)
 * or lose the vault's answer after the vault acted on the call — the case in
 * which a retry must not create a second payment request.
 */
async function startProxy(
  target: () => number,
): Promise<{ port: number; mode: Mode; close(): Promise<void> }> {
  const state = { mode: 'up' as Mode };
  const server: Server = createServer((req, res) => {
    if (state.mode === 'down') {
      req.socket.destroy();
      return;
    }
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: target(),
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        if (state.mode === 'lose-response') {
          up.resume();
          up.on('end', () => res.socket?.destroy());
          return;
        }
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    port,
    get mode() {
      return state.mode;
    },
    set mode(m: Mode) {
      state.mode = m;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('vault unreachable', () => {
  let env: Awaited<ReturnType<typeof startServerWithVault>>;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  const vaultPayments = () => {
    const db = new Database(join(env.vault.dataDir, 'vault.sqlite'), { readonly: true });
    try {
      return db.prepare('select id from payments').all() as { id: string }[];
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    const vaultPort = await freePort();
    proxy = await startProxy(() => vaultPort);
    env = await startServerWithVault({
      logLevel: 'warn',
      vaultUrl: `http://127.0.0.1:${proxy.port}`,
      vaultPort,
    });
  });
  afterAll(async () => {
    await env?.close();
    await proxy?.close();
  });

  it('answers payment_unavailable, charges nothing twice, and a retry with the same key creates exactly one request', async () => {
    const { agent, visitor, agentWs } = await chatWithVisitor(env.server);
    const key = 'retry-key-0001';
    const list = async () =>
      (
        (await (
          await agent.request('GET', `/api/conversations/${visitor.conversationId}/payments`)
        ).json()) as { payments: PaymentSummary[] }
      ).payments;

    proxy.mode = 'down';
    const down = await requestPayment(agent, visitor.conversationId, { idempotencyKey: key });
    expect([down.res.status, down.body.error?.code]).toEqual([503, 'payment_unavailable']);
    expect(vaultPayments()).toHaveLength(0);
    expect(await list()).toHaveLength(0);

    // The vault creates the request but its answer is lost on the way back.
    proxy.mode = 'lose-response';
    const lost = await requestPayment(agent, visitor.conversationId, { idempotencyKey: key });
    expect([lost.res.status, lost.body.error?.code]).toEqual([503, 'payment_unavailable']);
    expect(vaultPayments()).toHaveLength(1);

    // The agent tries again with the same key: the same request comes back, not a second one.
    proxy.mode = 'up';
    const retried = await requestPayment(agent, visitor.conversationId, { idempotencyKey: key });
    expect(retried.res.status).toBe(201);
    const created = vaultPayments();
    expect(created).toHaveLength(1);
    expect(retried.body.payment.id).toBe(created[0]!.id);
    expect((await list()).map((p) => p.id)).toEqual([created[0]!.id]);
    await agentWs.next('payment', (f) => f.payment.id === created[0]!.id);

    // Cancel while the vault is down: a clear error, the request stays as it was.
    proxy.mode = 'down';
    const cancel = await agent.request('POST', `/api/payments/${created[0]!.id}/cancel`, {});
    expect([
      cancel.status,
      ((await cancel.json()) as { error: { code: string } }).error.code,
    ]).toEqual([503, 'payment_unavailable']);
    expect((await list())[0]!.status).toBe('created');
    proxy.mode = 'up';
  });
});
