import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVault } from '../../../test/harness';
import type { TestVault } from '../../../test/harness';
import { sri } from './page';

const payRoot = resolve(import.meta.dirname, '../../../../pay');

describe('pay page served by the vault (real Vite build)', () => {
  let t: TestVault;
  let outDir: string;
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'parley-pay-dist-'));
    await build({
      configFile: join(payRoot, 'vite.config.ts'),
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true },
    });
    t = await startTestVault({
      payDistDir: outDir,
      config: { allowedFrameAncestors: ['https://allowed.example'] },
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('serves the page with a strict CSP, no-store, no-referrer and nosniff', async () => {
    const p = await t.createPayment({ frameAncestors: ['https://shop.example'] });
    const res = await t.open(p.payUrl);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
    ])
      expect(csp).toContain(directive);
    expect(csp).toMatch(
      /frame-ancestors http:\/\/chat\.example\.test https:\/\/allowed\.example https:\/\/shop\.example/,
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('has nothing inline: no inline script, no style element, no style attribute', async () => {
    const p = await t.createPayment();
    const { html } = await t.open(p.payUrl);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style[\s>]/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
  });

  it('gives every script and stylesheet an integrity attribute matching the served bytes', async () => {
    const p = await t.createPayment();
    const { html } = await t.open(p.payUrl);
    const refs = [
      ...html.matchAll(/<(?:script|link)\b[^>]*(?:src|href)="(\/pay\/assets\/[^"]+)"[^>]*>/g),
    ];
    expect(refs.length).toBeGreaterThanOrEqual(2);
    for (const ref of refs) {
      const integrity = /integrity="([^"]+)"/.exec(ref[0])?.[1];
      expect(integrity, ref[0]).toMatch(/^sha384-/);
      const asset = await fetch(`${t.url}${ref[1]}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
      expect(sri(Buffer.from(await asset.arrayBuffer()))).toBe(integrity);
    }
  });

  it('has stable ids and labels for every card field, and the no-agent notice', async () => {
    const p = await t.createPayment();
    const { html } = await t.open(p.payUrl);
    for (const id of ['card-number', 'card-expiry', 'card-cvc', 'card-name']) {
      expect(html).toMatch(new RegExp(`<label for="${id}"[ >]`));
      expect(html).toContain(`id="${id}-error"`);
    }
    for (const id of [
      'pay-form',
      'pay-submit',
      'pay-challenge',
      'challenge-approve',
      'challenge-deny',
      'pay-success',
      'pay-failure',
      'pay-amount',
      'pay-merchant',
    ])
      expect(html).toContain(`id="${id}"`);
    expect(html).toContain('cannot see what you type here');
    expect(html).toContain(`<meta name="parley-opener-origin" content="http://chat.example.test">`);
  });

  it('sends the same headers on refusal pages', async () => {
    const res = await fetch(`${t.url}/pay/${'B'.repeat(43)}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
