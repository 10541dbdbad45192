import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticator } from 'otplib';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { launchBrowser, screenshot } from './browser';

/** A code for the time-step `offset` steps from now (the server accepts ±1 and each step once). */
const code = (secret: string, offset = 0) =>
  authenticator.clone({ epoch: Date.now() + offset * 30_000 }).generate(secret);

// The production policy: MFA required for admins. The first sign-in enrols
// an authenticator (QR + recovery codes), the next one asks for a TOTP code.
describe('console sign-in with two-step verification', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let secret = '';

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn', productionMfa: true });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(): Promise<void> {
    await page.goto(`${server.url}/`);
    await page.getByLabel('E-mail').fill(server.admin.email);
    await page.getByLabel('Password').fill(server.admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  it('enrols an authenticator from the QR code and shows the recovery codes once', async () => {
    await signIn();
    await page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
    const qr = page.getByTestId('mfa-qr');
    await qr.waitFor();
    // The CSP allows data: images: the QR code really renders.
    await expect
      .poll(() => qr.evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0);
    secret = (await page.getByTestId('mfa-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]+$/);
    await page.getByLabel('Code').fill('000000' === code(secret) ? '111111' : '000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await expect
      .poll(() => page.getByTestId('signin-error').textContent())
      .toMatch(/wrong|expired|used/);
    await page.getByLabel('Code').fill(code(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    expect(await page.getByTestId('recovery-codes').locator('li').count()).toBe(10);
    await screenshot(page, 'security-recovery-codes');
    await page.getByRole('button', { name: /continue/ }).click();
    await page.getByTestId('agent-name').waitFor();
  });

  it('signs in again with a TOTP code, and the admin sees the audit log', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn();
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await page.getByLabel('Code').fill(code(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByTestId('agent-name').waitFor();

    await page.goto(`${server.url}/audit`);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByTestId('audit-entry').first().waitFor();
    const text = await page.locator('table').textContent();
    expect(text).toContain('auth.mfa_verify');
    expect(text).toContain('mfa.enrol');
    await screenshot(page, 'security-audit-log');
    await page.goto(`${server.url}/security/events`);
    await expect
      .poll(() => page.getByTestId('event-counts').textContent())
      .toMatch(/mfa_failed: 1/);
  });
});
