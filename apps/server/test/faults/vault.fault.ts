// Fault: a hung vault (SIGSTOP) and a killed vault (kill -9), issue 18 must 1, 5 and 6. A stopped
// vault must give agents the retryable payment_unavailable within the vault call's deadline and
// leave nothing payable once it runs again; a killed vault must be seen down at once and started
// again by `parley start` without anyone.
import { afterAll, describe, expect, it } from 'vitest';
import type { PaymentSummary } from '@parley/protocol';
import { chatWithVisitor, payLink, requestPayment, startServerWithVault } from '../payment-flow';
import { recordFigure } from './figures';
import { waitFor } from './kit';
import { startParley, type ParleyStart } from './parley-start';

/** The vault call's deadline (modules/payments/vault-client.ts) and a margin for a loaded machine. */
const PAYMENT_UNAVAILABLE_BOUND_MS = 15_000;

interface Readyz {
  checks?: Record<string, string>;
}

describe('fault: the vault hangs (SIGSTOP) during payment requests', () => {
  let env: Awaited<ReturnType<typeof startServerWithVault>> | undefined;
  afterAll(async () => {
    env?.vault.child.kill('SIGCONT');
    await env?.close();
  });

  it('answers payment_unavailable within the deadline, reports the vault down, and leaves nothing payable after SIGCONT', async () => {
    env = await startServerWithVault({ logLevel: 'warn' });
    const { agent, visitor } = await chatWithVisitor(env.server);
    const conv = visitor.conversationId;
    env.vault.child.kill('SIGSTOP');
    let failedMs: number;
    let readyDown: { status: number; body: Readyz } | undefined;
    try {
      const t0 = performance.now();
      const [r1, r2] = await Promise.all([
        requestPayment(agent, conv, { idempotencyKey: 'stopped-a' }),
        requestPayment(agent, conv, { idempotencyKey: 'stopped-b' }),
      ]);
      failedMs = performance.now() - t0;
      for (const r of [r1, r2])
        expect([r.res.status, r.body.error?.code]).toEqual([503, 'payment_unavailable']);
      const ready = await fetch(`${env.server.url}/readyz`);
      readyDown = { status: ready.status, body: (await ready.json()) as Readyz };
    } finally {
      env.vault.child.kill('SIGCONT');
    }
    if (!readyDown) throw new Error('readyz not read');
    expect(failedMs).toBeLessThan(PAYMENT_UNAVAILABLE_BOUND_MS);
    expect([readyDown.status, readyDown.body.checks?.vault]).toEqual([503, 'down']);

    // The vault runs again and works through what it was sent: the creates and their voids.
    const server = env.server;
    await waitFor('the vault to answer again', async () => {
      const r = await fetch(`${server.url}/readyz`);
      return r.status === 200;
    });
    const listed = async () =>
      (
        (await (await agent.request('GET', `/api/conversations/${conv}/payments`)).json()) as {
          payments: PaymentSummary[];
        }
      ).payments;
    // Nothing the server reported as failed is shown or payable: a retry makes one request.
    const retried = await requestPayment(agent, conv, { idempotencyKey: 'stopped-a' });
    expect(retried.res.status).toBe(201);
    await waitFor('the vault to settle the withdrawn attempts', async () => {
      const payable = (await listed()).filter((p) => p.status === 'created');
      return payable.length === 1 ? payable : undefined;
    });
    const payable = (await listed()).filter((p) => p.status === 'created');
    expect(payable.map((p) => p.id)).toEqual([retried.body.payment.id]);
    for (const p of await listed()) {
      if (p.id === retried.body.payment.id) continue;
      expect((await payLink(server, visitor.token, conv, p.id)).status).toBe(404);
    }
    recordFigure('vault SIGSTOP', {
      paymentUnavailableMs: Math.round(failedMs),
      readyz: readyDown.body.checks?.vault,
    });
  }, 90_000);
});

// `parley start` in the suite's own range (issue 18 asks every engineer for their own ports).
const PORT = 25280;
const BASE = `http://127.0.0.1:${PORT}`;

interface LogLine {
  msg?: string;
  vaultPid?: number;
  signal?: string | null;
}

describe('fault: the vault of `parley start` is killed (kill -9)', () => {
  let parley: ParleyStart<LogLine> | undefined;
  afterAll(async () => {
    await parley?.stop();
  });

  it('is reported down at once, started again by the server, and serves again', async () => {
    parley = startParley<LogLine>({ port: PORT, prefix: 'parley-vault-kill-' });
    const { lines } = parley;
    const vaultState = async (): Promise<string | undefined> => {
      try {
        const r = await fetch(`${BASE}/readyz`);
        return ((await r.json()) as Readyz).checks?.vault;
      } catch {
        return undefined;
      }
    };
    const started = () => lines.filter((l) => l.msg === 'vault process started');
    const first = (await waitFor('the vault to start', () => started()[0], 90_000)).vaultPid;
    await waitFor('the vault to answer', async () => (await vaultState()) === 'up', 90_000);

    const t0 = performance.now();
    process.kill(first ?? 0, 'SIGKILL');
    await waitFor('the vault to be reported down', async () => (await vaultState()) === 'down');
    const downMs = performance.now() - t0;
    const ended = await waitFor('the restart to be logged', () =>
      lines.find((l) => l.msg === 'vault process ended; restarting'),
    );
    expect(ended.signal).toBe('SIGKILL');
    const second = (await waitFor('a second vault', () => started()[1], 60_000)).vaultPid;
    expect(second).not.toBe(first);
    await waitFor(
      'the restarted vault to answer',
      async () => (await vaultState()) === 'up',
      60_000,
    );
    const upMs = performance.now() - t0;
    recordFigure('vault kill -9 (parley start)', {
      reportedDownMs: Math.round(downMs),
      servingAgainMs: Math.round(upMs),
    });
  }, 180_000);
});
