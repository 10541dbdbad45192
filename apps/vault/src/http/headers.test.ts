import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedFetch } from '@parley/signing';
import { SECRET_IN, startTestVault, type TestVault } from '../../test/harness';

const PARAMS: Record<string, string> = {
  id: 'pay_doesnotexist',
  token: 'x'.repeat(43),
  name: 'missing.js',
};
const concrete = (url: string) => url.replace(/:(\w+)/g, (_, p: string) => PARAMS[p] ?? 'x');

// Issue 10 finding 10: a header test that walks every route of the vault.
for (const tls of [false, true]) {
  describe(`security headers on every vault route (${tls ? 'https' : 'http'} public origin)`, () => {
    let t: TestVault;
    beforeAll(async () => {
      t = await startTestVault(
        tls
          ? {
              config: {
                publicUrl: 'https://pay.example.test',
                gateway: 'stripe',
                stripe: {
                  secretKey: 'sk_test_x',
                  webhookSecret: 'whsec_x',
                  apiBase: undefined,
                  publishableKey: 'pk_test_x',
                  jsUrl: 'https://js.stripe.com/v3/',
                  rawCardSaqD: false,
                },
              },
            }
          : {},
      );
    });
    afterAll(async () => t?.close());

    it('walks every route, signed and anonymous, plus an unknown path', async () => {
      const routes = t.vault.routes.map((r) => ({ method: r.method, url: concrete(r.url) }));
      expect(routes.length).toBeGreaterThan(10);
      routes.push(
        { method: 'GET', url: '/no/such/route' },
        { method: 'GET', url: '/pay/p/x/nope' },
      );
      for (const r of routes) {
        const body = r.method === 'GET' ? undefined : '{}';
        const anonymous = await fetch(`${t.url}${r.url}`, {
          method: r.method,
          ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}),
        });
        const signed = await signedFetch({
          secret: SECRET_IN,
          url: `${t.url}${r.url}`,
          method: r.method,
          ...(body ? { json: {} } : {}),
        });
        for (const res of [anonymous, signed]) {
          await res.arrayBuffer();
          const where = `${r.method} ${r.url} → ${res.status}`;
          expect(res.headers.get('x-content-type-options'), where).toBe('nosniff');
          expect(res.headers.get('content-security-policy'), where).toMatch(
            /default-src '(none|self)'/,
          );
          expect(res.headers.get('content-security-policy'), where).toMatch(/frame-ancestors/);
          if (tls)
            expect(res.headers.get('strict-transport-security'), where).toMatch(/max-age=\d{8}/);
          else expect(res.headers.get('strict-transport-security'), where).toBeNull();
        }
      }
    });
  });
}

describe('vault files (issue 10 finding 7)', () => {
  let t: TestVault | undefined;
  afterAll(async () => t?.close());

  it('makes the database, WAL, key files 0600 and the data dir 0700, even when they existed looser', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'parley-vault-perm-')), 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    t = await startTestVault({ config: { dataDir } });
    await t.createPayment();
    await t.close();
    chmodSync(dataDir, 0o755);
    for (const f of ['vault.sqlite', 'encryption.key']) chmodSync(join(dataDir, f), 0o644);
    const again = await startTestVault({ config: { dataDir } });
    t = again;
    await again.createPayment();
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const f of ['vault.sqlite', 'vault.sqlite-wal', 'vault.sqlite-shm', 'encryption.key'])
      expect(statSync(join(dataDir, f)).mode & 0o777, f).toBe(0o600);
  });

  it('reads the key from VAULT_KEY_FILE, apart from the database, and generates it 0600 there', async () => {
    const keyDir = join(mkdtempSync(join(tmpdir(), 'parley-vault-key-')), 'keys');
    const keyFile = join(keyDir, 'vault.key');
    t = await startTestVault({ config: { keyFile } });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(keyDir).mode & 0o777).toBe(0o700);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(() => statSync(join(t!.dataDir, 'encryption.key'))).toThrow();
    await t.close();
    // An existing key file is used as it is (and tightened).
    const other = join(keyDir, 'given.key');
    mkdirSync(keyDir, { recursive: true });
    writeFileSync(other, `${Buffer.alloc(32, 7).toString('base64')}\n`, { mode: 0o644 });
    t = await startTestVault({ config: { keyFile: other } });
    expect(statSync(other).mode & 0o777).toBe(0o600);
  });
});
