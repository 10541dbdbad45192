import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VALID_CARD, startTestVault } from '../test/harness';
import type { TestVault } from '../test/harness';
import { decrypt } from './lib/crypto';

// Amex test card with a 4-digit CVC; "delimited" means not inside a longer
// token (hex hashes and base64 ids could contain any 4 digits by chance).
const PAN = '378282246310005';
const CVC = '7391';
const delimited = (s: string) => new RegExp(`(?<![0-9A-Za-z])${s}(?![0-9A-Za-z])`);

function storeBytes(t: TestVault): string {
  return ['vault.sqlite', 'vault.sqlite-wal']
    .map((f) => join(t.dataDir, f))
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString('latin1'))
    .join('\n');
}

async function payWithAmex(
  t: TestVault,
  number = PAN,
): Promise<{ id: string; responses: string[] }> {
  const p = await t.createPayment();
  const o = await t.open(p.payUrl);
  const responses: string[] = [o.html];
  const body = { ...VALID_CARD, number, cvc: CVC, idempotencyKey: 'sec-confirm-1' };
  const res = await fetch(`${t.url}/pay/p/${p.id}/api/confirm`, {
    method: 'POST',
    headers: { cookie: o.cookie!, 'content-type': 'application/json', origin: t.url },
    body: JSON.stringify(body),
  });
  responses.push(await res.text());
  // A bad card echoes nothing either.
  const bad = await fetch(`${t.url}/pay/p/${p.id}/api/confirm`, {
    method: 'POST',
    headers: { cookie: o.cookie!, 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, number: '378282246310006', idempotencyKey: 'sec-confirm-2' }),
  });
  responses.push(await bad.text());
  responses.push(
    await (
      await fetch(`${t.url}/pay/p/${p.id}/api/details`, { headers: { cookie: o.cookie! } })
    ).text(),
  );
  responses.push(JSON.stringify((await t.api('GET', `/v1/payment-requests/${p.id}`)).body));
  await t.server.waitFor((e) =>
    e.some((x) => x.payment.id === p.id && x.payment.status === 'succeeded'),
  );
  responses.push(JSON.stringify(t.server.events));
  return { id: p.id, responses };
}

describe('card data handling (PCI DSS 3.2/3.3/3.5)', () => {
  let t: TestVault | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('never writes the CVV to the store, the logs or any response', async () => {
    t = await startTestVault({ config: { logLevel: 'trace' } });
    const { responses } = await payWithAmex(t);
    await t.vault.context.store.db.selectFrom('payments').select('id').execute();
    expect(storeBytes(t)).not.toMatch(delimited(CVC));
    const logs = t.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toMatch(delimited(CVC));
    expect(logs).not.toContain(PAN);
    expect(logs).not.toMatch(/\/pay\/[A-Za-z0-9_-]{43}/);
    for (const r of responses) {
      expect(r).not.toMatch(delimited(CVC));
      expect(r).not.toContain(PAN);
      expect(r).not.toContain('378282246310006');
    }
  });

  it('does not keep the PAN when card-on-file is off; keeps brand and last four', async () => {
    t = await startTestVault({ cardOnFile: false });
    const { id } = await payWithAmex(t);
    const charge = await t.vault.context.store.db
      .selectFrom('charges')
      .selectAll()
      .where('payment_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(charge).toMatchObject({
      brand: 'amex',
      last4: '0005',
      pan_encrypted: null,
      status: 'succeeded',
    });
    expect(charge.gateway_reference).toMatch(/^test_ch_/);
    expect(storeBytes(t)).not.toContain(PAN);
    expect(storeBytes(t)).not.toContain('37828224631');
  });

  it('keeps the PAN only AES-256-GCM encrypted when card-on-file is on', async () => {
    t = await startTestVault({ cardOnFile: true });
    const { id } = await payWithAmex(t);
    const charge = await t.vault.context.store.db
      .selectFrom('charges')
      .selectAll()
      .where('payment_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(charge.pan_encrypted).toMatch(/^v1\./);
    expect(storeBytes(t)).not.toContain(PAN);
    expect(decrypt(t.vault.context.keys.data, charge.pan_encrypted!, charge.id)).toBe(PAN);
    // Bound to its row: the ciphertext does not decrypt as another charge's.
    expect(() => decrypt(t!.vault.context.keys.data, charge.pan_encrypted!, 'ch_other')).toThrow();
  });

  it('generates the embedded encryption key into the data dir with mode 0600', async () => {
    t = await startTestVault();
    const keyFile = join(t.dataDir, 'encryption.key');
    const { statSync } = await import('node:fs');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
  });
});
