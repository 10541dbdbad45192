/**
 * In-process vault for tests: a temp data dir, a fake chat server that
 * records signed events, captured pino output, and signed API helpers.
 * With DATABASE_URL set, `dialect: 'postgres'` isolates the store in a fresh
 * random schema that is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { signedFetch, verifyRequest } from '@parley/signing';
import type { VaultConfig } from '../src/config';
import { startVault } from '../src/vault';
import type { RunningVault } from '../src/vault';
import type { AnyGateway } from '../src/gateways/gateway';
import { TestGateway } from '../src/gateways/test/test-gateway';

export const SECRET_IN = 'server-to-vault-secret-0123456789abcdef';
export const SECRET_OUT = 'vault-to-server-secret-0123456789abcdef';
export const PG_URL = process.env.DATABASE_URL;

export interface ReceivedEvent {
  id: string;
  type: string;
  payment: Record<string, unknown> & { id: string; status: string; version: number };
}

/** A stand-in for the chat server's /internal/vault/events. */
export class FakeServer {
  events: ReceivedEvent[] = [];
  rejected = 0;
  down = false;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (this.down) {
          res.writeHead(503).end();
          return;
        }
        const check = verifyRequest({
          secret: SECRET_OUT,
          method: req.method ?? '',
          path: req.url ?? '',
          body,
          headers: req.headers,
        });
        if (!check.ok || req.url !== '/internal/vault/events') {
          this.rejected++;
          res.writeHead(401).end();
          return;
        }
        this.events.push(JSON.parse(body.toString('utf8')) as ReceivedEvent);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  async waitFor(
    predicate: (events: ReceivedEvent[]) => boolean,
    timeoutMs = 5000,
  ): Promise<ReceivedEvent[]> {
    const until = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      if (Date.now() > until)
        throw new Error(
          `timed out waiting for events; got ${JSON.stringify(this.events.map((e) => e.payment.status))}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.events;
  }
}

/** JSON answers as tests read them (cast from parsed JSON; fields absent at run time are undefined). */
export interface ApiBody {
  [key: string]: unknown;
  id: string;
  status: string;
  payUrl: string;
  expiresAt: string;
  amount: number;
  currency: string;
  amountRefunded: number;
  brand: string | null;
  last4: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  action: { type: string; url?: string } | null;
  error: { code: string; message: string };
  refund: { id: string; amount: number; status: string };
  payment: Record<string, unknown>;
}

export interface TestVaultOptions {
  dialect?: 'sqlite' | 'postgres';
  cardOnFile?: boolean;
  gateway?: AnyGateway;
  requestTtlSeconds?: number;
  payDistDir?: string;
  config?: Partial<VaultConfig>;
}

export interface TestVault {
  vault: RunningVault;
  url: string;
  server: FakeServer;
  gateway: AnyGateway;
  dataDir: string;
  logs: string[];
  api(
    method: string,
    path: string,
    json?: unknown,
  ): Promise<{ status: number; body: ApiBody; headers: Headers }>;
  createPayment(
    overrides?: Record<string, unknown>,
  ): Promise<{ id: string; payUrl: string; expiresAt: string; status: string }>;
  open(
    payUrl: string,
  ): Promise<{ status: number; html: string; cookie: string | undefined; headers: Headers }>;
  page(
    id: string,
    cookie: string,
    path: string,
    json?: unknown,
  ): Promise<{ status: number; body: ApiBody }>;
  close(): Promise<void>;
}

/** A minimal built pay page, so link tests need no Vite build. */
export function writeStubDist(dir: string): string {
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'assets', 'pay-stub.js'), 'console.log("pay");\n');
  writeFileSync(join(dir, 'assets', 'pay-stub.css'), 'body{margin:0}\n');
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><!--parley-meta--><script type="module" crossorigin src="/pay/assets/pay-stub.js"></script><link rel="stylesheet" crossorigin href="/pay/assets/pay-stub.css"></head><body></body></html>',
  );
  return dir;
}

export async function startTestVault(options: TestVaultOptions = {}): Promise<TestVault> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-vault-'));
  const server = new FakeServer();
  await server.start();
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  let schema: string | undefined;
  if (options.dialect === 'postgres') {
    if (!PG_URL) throw new Error('DATABASE_URL is not set');
    schema = `vault_test_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`create schema ${schema}`);
    await client.end();
  }
  const gateway = options.gateway ?? new TestGateway();
  const config: VaultConfig = {
    port: 0,
    host: '127.0.0.1',
    publicUrl: undefined,
    dataDir,
    databaseUrl: options.dialect === 'postgres' ? PG_URL : undefined,
    ...(schema ? { databaseSchema: schema } : {}),
    serverUrl: server.url,
    serverPublicOrigin: 'http://chat.example.test',
    signingSecretIn: SECRET_IN,
    signingSecretOut: SECRET_OUT,
    encryptionKey: options.dialect === 'postgres' ? randomBytes(32) : undefined,
    keyFile: undefined,
    gateway: 'test',
    stripe: {
      secretKey: undefined,
      webhookSecret: undefined,
      apiBase: undefined,
      publishableKey: undefined,
      jsUrl: 'https://js.stripe.com/v3/',
      rawCardSaqD: false,
    },
    braintree: {
      environment: 'sandbox',
      merchantId: undefined,
      publicKey: undefined,
      privateKey: undefined,
      merchantAccounts: {},
      threeDSecure: true,
      jsUrl: 'https://js.braintreegateway.com/web/3.144.0/js/client.min.js',
      apiUrl: undefined,
    },
    cardOnFile: options.cardOnFile ?? false,
    allowedFrameAncestors: [],
    logLevel: 'info',
    logStream,
    requestTtlSeconds: options.requestTtlSeconds ?? 1800,
    eventRetryBaseMs: 50,
    eventRetryMaxMs: 200,
    payDistDir: options.payDistDir ?? writeStubDist(join(dataDir, 'dist')),
    ...options.config,
  };
  const vault = await startVault(config, { gateway });
  const url = vault.url;

  const api: TestVault['api'] = async (method, path, json) => {
    const res = await signedFetch({ secret: SECRET_IN, url: `${url}${path}`, method, json });
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : {}) as ApiBody,
      headers: res.headers,
    };
  };
  let counter = 0;
  const createPayment: TestVault['createPayment'] = async (overrides = {}) => {
    const res = await api('POST', '/v1/payment-requests', {
      orgId: 'org_1',
      conversationId: 'conv_1',
      amount: 1250,
      currency: 'EUR',
      description: 'Order 1042',
      merchantName: 'Acme Books',
      frameAncestors: [],
      idempotencyKey: `create-${randomBytes(8).toString('hex')}-${counter++}`,
      ...overrides,
    });
    if (res.status !== 201)
      throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const open: TestVault['open'] = async (payUrl) => {
    const res = await fetch(payUrl, { redirect: 'manual' });
    const setCookie = res.headers.get('set-cookie');
    const cookie = setCookie ? setCookie.split(';')[0] : undefined;
    return { status: res.status, html: await res.text(), cookie, headers: res.headers };
  };
  const page: TestVault['page'] = async (id, cookie, path, json) => {
    const res = await fetch(`${url}/pay/p/${id}/api/${path}`, {
      method: json === undefined ? 'GET' : 'POST',
      headers: {
        cookie,
        ...(json === undefined ? {} : { 'content-type': 'application/json', origin: url }),
      },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as ApiBody };
  };
  return {
    vault,
    url,
    server,
    gateway,
    dataDir,
    logs,
    api,
    createPayment,
    open,
    page,
    async close() {
      await vault.close();
      await server.stop();
      if (schema && PG_URL) {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`drop schema ${schema} cascade`);
        await client.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs a suite on SQLite always and on PostgreSQL when DATABASE_URL is set (else reported skipped by name). */
export const DIALECTS: { name: string; dialect: 'sqlite' | 'postgres'; skip: boolean }[] = [
  { name: 'SQLite', dialect: 'sqlite', skip: false },
  // A skipped suite says why, by name.
  {
    name: PG_URL ? 'PostgreSQL' : 'PostgreSQL (skipped: DATABASE_URL not set)',
    dialect: 'postgres',
    skip: !PG_URL,
  },
];

export const VALID_CARD = {
  number: '4242 4242 4242 4242',
  expiry: `12/${(new Date().getUTCFullYear() + 3) % 100}`,
  cvc: '123',
  name: 'Ada Lovelace',
};
