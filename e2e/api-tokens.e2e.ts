import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { launchBrowser, screenshot } from './browser';
import { seriousViolations } from './axe';

// An admin creates a scoped API token in the console, copies it once, uses it from a
// script, reads the API reference, and revokes the token; at desktop and phone widths.
describe('API tokens and the API reference (browser)', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let secret = '';

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(server.url);
    await page.getByLabel('E-mail').fill(server.admin.email);
    await page.getByLabel('Password').fill(server.admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('connection-status').getByText('Live').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates a token whose secret is shown once and works from a script', async () => {
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByTestId('api-tokens').waitFor();
    await page.getByText('No tokens yet.').waitFor();
    await page.getByLabel('Name (what uses it)').fill('CRM sync');
    await page.getByLabel('Read the audit log').check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByTestId('token-secret').locator('code');
    await shown.waitFor();
    secret = (await shown.textContent()) ?? '';
    expect(secret).toMatch(/^pt_/);
    await page.getByTestId('token-row').filter({ hasText: 'CRM sync' }).waitFor();
    expect(await seriousViolations(page, '[data-testid="api-tokens"]')).toEqual([]);
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await seriousViolations(page, '[data-testid="api-tokens"]')).toEqual([]);
    await screenshot(page, 'api-tokens-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    // The token reads what its scopes allow, and no more.
    const auth = { authorization: `Bearer ${secret}` };
    expect((await fetch(`${server.url}/api/audit`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${server.url}/api/conversations`, { headers: auth })).status).toBe(403);
    // Done: the secret is gone from the page for good.
    await page.getByRole('button', { name: 'Done' }).click();
    await page.reload();
    await page.getByTestId('token-row').filter({ hasText: 'CRM sync' }).waitFor();
    expect(await page.content()).not.toContain(secret);
  });

  it('shows the API reference with the scope each route needs', async () => {
    await page.getByRole('link', { name: 'API reference' }).first().click();
    await page.getByTestId('api-reference').waitFor();
    await page.getByLabel('Filter').fill('reply');
    const op = page.getByTestId('api-op').filter({ hasText: '/api/conversations/{id}/messages' });
    await op.first().locator('summary').click();
    await op.first().getByText('API tokens need the scope conversation:reply.').waitFor();
    expect(await seriousViolations(page, '[data-testid="api-reference"]')).toEqual([]);
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await seriousViolations(page, '[data-testid="api-reference"]')).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('revokes the token after a confirmation; the script is refused at once', async () => {
    await page.goto(`${server.url}/settings/api-tokens`);
    await page.getByRole('button', { name: 'Revoke CRM sync' }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByTestId('token-row').filter({ hasText: 'revoked' }).waitFor();
    const res = await fetch(`${server.url}/api/audit`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(res.status).toBe(401);
  });
});
