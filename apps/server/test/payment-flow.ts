import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PaymentSummary } from '@parley/protocol';
import { AgentClient, newVisitor, visitorSocket, type TestSocket } from './clients';
import type { TestServer } from './test-server';
import {
  freePort,
  newEdgeSecrets,
  serverVaultEnv,
  startVaultProcess,
  type EdgeSecretsPair,
  type VaultProcess,
} from './vault-process';
import { startTestServer } from './test-server';

export const EXPIRY = `12/${(new Date().getUTCFullYear() + 3) % 100}`;

const ROOT = resolve(import.meta.dirname, '../../..');
const PAY_DIST = join(ROOT, 'apps/pay/dist');

/**
 * The vault serves the pay window from apps/pay/dist, which `npm run build` makes; without it
 * every pay link answers 503 "Payments are unavailable" (why "a refund whose answer is lost"
 * failed with 503 when its file ran on a tree that had not been built). Built here when missing:
 * into a directory of its own, then renamed into place, so parallel test files never see half.
 */
export function ensurePayPage(): void {
  if (existsSync(join(PAY_DIST, 'index.html'))) return;
  const out = mkdtempSync(join(ROOT, 'apps/pay/.dist-'));
  try {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', out, '--emptyOutDir'],
      { cwd: join(ROOT, 'apps/pay'), stdio: 'ignore', timeout: 120_000 },
    );
    try {
      renameSync(out, PAY_DIST);
    } catch {
      // Another test file built it first.
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** A server and a real vault process wired to each other, as `parley start` runs them. */
export async function startServerWithVault(
  opts: {
    logLevel?: string;
    vaultUrl?: string;
    vaultPort?: number;
    vaultEnv?: Record<string, string>;
  } = {},
): Promise<{
  server: TestServer;
  vault: VaultProcess;
  secrets: EdgeSecretsPair;
  close(): Promise<void>;
}> {
  ensurePayPage();
  const port = opts.vaultPort ?? (await freePort());
  const secrets = newEdgeSecrets();
  const server = await startTestServer({
    logLevel: opts.logLevel ?? 'info',
    env: serverVaultEnv(opts.vaultUrl ?? `http://127.0.0.1:${port}`, secrets),
  });
  const vault = await startVaultProcess({
    port,
    serverUrl: server.url,
    secrets,
    ...(opts.vaultEnv ? { env: opts.vaultEnv } : {}),
  });
  return {
    server,
    vault,
    secrets,
    async close() {
      await vault.dispose();
      await server.close();
    },
  };
}

/** An agent (of the given role) holding a fresh visitor conversation, both with live sockets. */
export async function chatWithVisitor(
  server: TestServer,
  role: 'agent' | 'supervisor' | 'admin' = 'agent',
) {
  const creds = await server.createAgent(role);
  const agent = new AgentClient(server.url);
  await agent.login(creds.email, creds.password);
  const visitor = await newVisitor(server.url, server.orgKey);
  const accepted = await agent.request(
    'POST',
    `/api/conversations/${visitor.conversationId}/accept`,
    {},
  );
  if (!accepted.ok) throw new Error(`accept failed: ${accepted.status}`);
  const agentWs = await agent.socket();
  await agentWs.next('ready');
  agentWs.send({ type: 'resume', conversationId: visitor.conversationId, afterSeq: 0 });
  await agentWs.next('resumed');
  const visitorWs = await visitorSocket(server.url, visitor.token);
  visitorWs.send({ type: 'resume', conversationId: visitor.conversationId, afterSeq: 0 });
  await visitorWs.next('resumed');
  return { agent, agentId: creds.id, visitor, agentWs, visitorWs };
}

export async function requestPayment(
  agent: AgentClient,
  conversationId: string,
  body: Partial<{
    amount: number;
    currency: string;
    description: string;
    idempotencyKey: string;
  }> = {},
) {
  const res = await agent.request('POST', `/api/conversations/${conversationId}/payments`, {
    amount: 1250,
    currency: 'EUR',
    description: 'Order 1042',
    idempotencyKey: randomUUID(),
    ...body,
  });
  return { res, body: (await res.json()) as { payment: PaymentSummary; error?: { code: string } } };
}

export async function payLink(
  server: TestServer,
  token: string,
  conversationId: string,
  paymentId: string,
): Promise<{ status: number; payUrl: string; code?: string }> {
  const res = await fetch(
    `${server.url}/api/visitor/conversations/${conversationId}/payments/${paymentId}/link`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    },
  );
  const body = (await res.json()) as { payUrl: string; error?: { code: string } };
  return {
    status: res.status,
    payUrl: body.payUrl,
    ...(body.error ? { code: body.error.code } : {}),
  };
}

/** What the pay window does: burn the link for a session cookie. */
export async function openPayLink(payUrl: string): Promise<{ status: number; cookie: string }> {
  const res = await fetch(payUrl, { redirect: 'manual' });
  await res.text();
  return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '' };
}

/** What the pay window does on Pay: POST the card to the vault (never to the server). */
export async function confirmCard(
  vaultUrl: string,
  paymentId: string,
  cookie: string,
  card: { number: string; cvc: string },
  extra: Record<string, unknown> = {},
) {
  const res = await fetch(`${vaultUrl}/pay/p/${paymentId}/api/confirm`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', origin: vaultUrl },
    body: JSON.stringify({
      number: card.number,
      expiry: EXPIRY,
      cvc: card.cvc,
      name: 'Vera Visitor',
      idempotencyKey: randomUUID(),
      ...extra,
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export function paymentFrame(
  ws: TestSocket,
  id: string,
  status: PaymentSummary['status'],
  timeoutMs = 10_000,
) {
  return ws.next('payment', (f) => f.payment.id === id && f.payment.status === status, timeoutMs);
}
