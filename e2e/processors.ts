/**
 * Local stand-ins for card processors, each run as its own process (as the vault
 * is): apps/vault/test/fake-stripe speaks Stripe's HTTP API, signs and sends
 * webhooks, and serves the Stripe.js subset the pay window uses. Nothing here
 * imports vault code; the tests talk to the fake over HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../apps/server/test/vault-process';

const ROOT = resolve(import.meta.dirname, '..');

export interface FakeProcessor {
  url: string;
  secretKey: string;
  publishableKey: string;
  webhookSecret: string;
  logs: string[];
  get<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

/** Starts the fake Stripe, delivering its webhooks to `webhookUrl`. */
export async function startFakeStripe(webhookUrl: string): Promise<FakeProcessor> {
  const secretKey = 'sk_test_parley_e2e';
  const publishableKey = 'pk_test_parley_e2e';
  const webhookSecret = 'whsec_parley_e2e_0123456789abcdef';
  const logs: string[] = [];
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(ROOT, 'apps/vault/test/fake-stripe/main.ts')],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        FAKE_STRIPE_PORT: String(await freePort()),
        FAKE_STRIPE_WEBHOOK_URL: webhookUrl,
        FAKE_STRIPE_WEBHOOK_SECRET: webhookSecret,
        FAKE_STRIPE_SECRET_KEY: secretKey,
        FAKE_STRIPE_PUBLISHABLE_KEY: publishableKey,
      },
    },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`fake stripe did not start:\n${logs.join('')}`)),
      30_000,
    );
    child.stdout?.on('data', (c: Buffer) => {
      const text = c.toString('utf8');
      logs.push(text);
      const m = /fake-stripe listening (\S+)/.exec(text);
      if (m?.[1]) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    child.stderr?.on('data', (c: Buffer) => logs.push(c.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`fake stripe exited with ${code}:\n${logs.join('')}`));
    });
  });
  return {
    url,
    secretKey,
    publishableKey,
    webhookSecret,
    logs,
    async get<T>(path: string): Promise<T> {
      return (await (await fetch(`${url}${path}`)).json()) as T;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The vault's environment for Stripe's hosted Payment Element against the fake. */
export function stripeVaultEnv(fake: FakeProcessor): Record<string, string> {
  return {
    VAULT_GATEWAY: 'stripe',
    STRIPE_SECRET_KEY: fake.secretKey,
    STRIPE_PUBLISHABLE_KEY: fake.publishableKey,
    STRIPE_WEBHOOK_SECRET: fake.webhookSecret,
    STRIPE_API_BASE: fake.url,
    STRIPE_JS_URL: `${fake.url}/v3/`,
  };
}

/** Builds the pay window (apps/pay/dist) so the vault serves the current page. */
export function buildPayPage(): void {
  execFileSync(process.execPath, [resolve(ROOT, 'node_modules/vite/bin/vite.js'), 'build'], {
    cwd: resolve(ROOT, 'apps/pay'),
    stdio: 'ignore',
  });
}

export interface FakeBraintreeProcess {
  /** Braintree's API and SDK origin. */
  url: string;
  merchantId: string;
  publicKey: string;
  privateKey: string;
  logs: string[];
  /** The fake's test controls (`/__fake/…`), on a port of their own. */
  control(path: string, body?: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

/** Starts the fake Braintree, delivering its webhooks to `webhookUrl`. */
export async function startFakeBraintree(webhookUrl: string): Promise<FakeBraintreeProcess> {
  const merchantId = 'parley_e2e_merchant';
  const publicKey = 'parley_e2e_public';
  const privateKey = 'parley_e2e_private_0123456789';
  const logs: string[] = [];
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(ROOT, 'apps/vault/test/fake-braintree/main.ts')],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        FAKE_BRAINTREE_PORT: String(await freePort()),
        FAKE_BRAINTREE_WEBHOOK_URL: webhookUrl,
        FAKE_BRAINTREE_MERCHANT_ID: merchantId,
        FAKE_BRAINTREE_PUBLIC_KEY: publicKey,
        FAKE_BRAINTREE_PRIVATE_KEY: privateKey,
      },
    },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const [url, controlUrl] = await new Promise<[string, string]>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`fake braintree did not start:\n${logs.join('')}`)),
      30_000,
    );
    child.stdout?.on('data', (c: Buffer) => {
      const text = c.toString('utf8');
      logs.push(text);
      const m = /fake-braintree listening (\S+) control (\S+)/.exec(text);
      if (m?.[1] && m[2]) {
        clearTimeout(timer);
        res([m[1], m[2]]);
      }
    });
    child.stderr?.on('data', (c: Buffer) => logs.push(c.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`fake braintree exited with ${code}:\n${logs.join('')}`));
    });
  });
  return {
    url,
    merchantId,
    publicKey,
    privateKey,
    logs,
    async control(path: string, body?: unknown): Promise<unknown> {
      const res = await fetch(`${controlUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      return res.json();
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The vault's environment for Braintree Hosted Fields against the fake. */
export function braintreeVaultEnv(fake: FakeBraintreeProcess): Record<string, string> {
  return {
    VAULT_GATEWAY: 'braintree',
    VAULT_BRAINTREE_MERCHANT_ID: fake.merchantId,
    VAULT_BRAINTREE_PUBLIC_KEY: fake.publicKey,
    VAULT_BRAINTREE_PRIVATE_KEY: fake.privateKey,
    VAULT_BRAINTREE_MERCHANT_ACCOUNTS: 'EUR=parley_eur',
    VAULT_BRAINTREE_API_URL: fake.url,
    VAULT_BRAINTREE_JS_URL: `${fake.url}/web/3.144.0/js/client.min.js`,
  };
}
