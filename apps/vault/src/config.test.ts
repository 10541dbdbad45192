import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseVaultEnv } from './config';

const good = {
  VAULT_SERVER_URL: 'http://127.0.0.1:8080',
  VAULT_SIGNING_SECRET_IN: 'a'.repeat(32),
  VAULT_SIGNING_SECRET_OUT: 'b'.repeat(32),
};

describe('vault config', () => {
  it('applies the documented defaults', () => {
    const c = parseVaultEnv(good);
    expect(c).toMatchObject({
      port: 8081,
      host: '127.0.0.1',
      gateway: 'test',
      cardOnFile: false,
      databaseUrl: undefined,
      serverPublicOrigin: 'http://127.0.0.1:8080',
    });
    expect(c.dataDir).toBe(resolve('./data/vault'));
  });

  it('lists every problem at once', () => {
    try {
      parseVaultEnv({
        VAULT_PORT: 'x',
        VAULT_SIGNING_SECRET_IN: 'short',
        VAULT_GATEWAY: 'paypal',
        VAULT_ENCRYPTION_KEY: 'bm90IDMyIGJ5dGVz',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of [
        'VAULT_PORT',
        'VAULT_SERVER_URL',
        'VAULT_SIGNING_SECRET_IN',
        'VAULT_SIGNING_SECRET_OUT',
        'VAULT_GATEWAY',
        'VAULT_ENCRYPTION_KEY',
      ])
        expect(problems).toContain(name);
    }
  });

  it('requires distinct secrets per direction, Stripe keys for stripe, and a key for PostgreSQL', () => {
    expect(() =>
      parseVaultEnv({ ...good, VAULT_SIGNING_SECRET_OUT: good.VAULT_SIGNING_SECRET_IN }),
    ).toThrow(/must differ/);
    expect(() => parseVaultEnv({ ...good, VAULT_GATEWAY: 'stripe' })).toThrow(
      /STRIPE_SECRET_KEY[\s\S]*STRIPE_WEBHOOK_SECRET/,
    );
    expect(() =>
      parseVaultEnv({ ...good, VAULT_DATABASE_URL: 'postgres://localhost/vault' }),
    ).toThrow(/VAULT_ENCRYPTION_KEY/);
    // The key may live in a file apart from the database instead.
    expect(
      parseVaultEnv({
        ...good,
        VAULT_DATABASE_URL: 'postgres://localhost/vault',
        VAULT_KEY_FILE: '/etc/parley/vault.key',
      }).keyFile,
    ).toBe('/etc/parley/vault.key');
    expect(() =>
      parseVaultEnv({
        ...good,
        VAULT_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
        VAULT_KEY_FILE: '/etc/parley/vault.key',
      }),
    ).toThrow(/not both/);
  });

  it('requires the Braintree key pair for braintree and parses its merchant accounts per currency', () => {
    let problems: string[] = [];
    try {
      parseVaultEnv({ ...good, VAULT_GATEWAY: 'braintree' });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        'VAULT_BRAINTREE_MERCHANT_ID: is required when VAULT_GATEWAY=braintree',
        'VAULT_BRAINTREE_PUBLIC_KEY: is required when VAULT_GATEWAY=braintree',
        'VAULT_BRAINTREE_PRIVATE_KEY: is required when VAULT_GATEWAY=braintree',
      ]),
    );
    const bt = {
      ...good,
      VAULT_GATEWAY: 'braintree',
      VAULT_BRAINTREE_MERCHANT_ID: 'm',
      VAULT_BRAINTREE_PUBLIC_KEY: 'p',
      VAULT_BRAINTREE_PRIVATE_KEY: 'k',
    };
    const c = parseVaultEnv({
      ...bt,
      VAULT_BRAINTREE_MERCHANT_ACCOUNTS: 'EUR=acme_eur, GBP=acme_gbp',
    });
    expect(c.braintree).toMatchObject({
      environment: 'sandbox',
      merchantAccounts: { EUR: 'acme_eur', GBP: 'acme_gbp' },
      threeDSecure: true,
      jsUrl: 'https://js.braintreegateway.com/web/3.144.0/js/client.min.js',
    });
    expect(() => parseVaultEnv({ ...bt, VAULT_BRAINTREE_MERCHANT_ACCOUNTS: 'euro:acme' })).toThrow(
      /VAULT_BRAINTREE_MERCHANT_ACCOUNTS/,
    );
    expect(
      parseVaultEnv({ ...bt, VAULT_BRAINTREE_THREE_D_SECURE: 'false' }).braintree.threeDSecure,
    ).toBe(false);
  });

  it('parses card-on-file and frame ancestors', () => {
    const c = parseVaultEnv({
      ...good,
      VAULT_CARD_ON_FILE: 'true',
      VAULT_ALLOWED_FRAME_ANCESTORS: 'https://a.example/x, https://b.example',
    });
    expect(c.cardOnFile).toBe(true);
    expect(c.allowedFrameAncestors).toEqual(['https://a.example', 'https://b.example']);
  });
});

describe('vault process (main.ts)', () => {
  it('starts from env, prints its URL, answers /health and stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-vault-main-'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(import.meta.dirname, 'main.ts')],
      {
        env: {
          PATH: process.env.PATH,
          ...good,
          VAULT_PORT: '0',
          VAULT_DATA_DIR: dataDir,
          VAULT_LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((res, rej) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /vault listening on (http:\/\/\S+)/.exec(out);
          if (m?.[1]) res(m[1]);
        });
        child.on('exit', (code) => rej(new Error(`exited ${code}`)));
        setTimeout(() => rej(new Error('no listening line')), 15_000);
      });
      expect(await (await fetch(`${url}/health`)).json()).toEqual({ ok: true });
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('exits with every config problem listed', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(import.meta.dirname, 'main.ts')],
      { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(78);
    expect(err).toContain('VAULT_SERVER_URL');
    expect(err).toContain('VAULT_SIGNING_SECRET_IN');
  });
});
