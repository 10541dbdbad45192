import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { launchBrowser, screenshot } from './browser';

// An admin manages the organisation's settings from the console: the websites
// allowed to embed the widget (the server refuses a non-origin, in words), the
// embed snippet, and the payment currencies.
describe('organisation settings in the console', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const SHOP = 'https://shop.example.test';

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const origins = () =>
    page
      .getByTestId('allowed-origin')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-origin')));

  it('signs in as the admin and opens the Organisation page from the top bar', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('E-mail').fill(server.admin.email);
    await page.getByLabel('Password').fill(server.admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('agent-name').waitFor();
    await page.getByRole('link', { name: 'Organisation' }).click();
    await page.getByRole('heading', { name: 'Organisation', level: 1 }).waitFor();
    await page.getByTestId('allowed-origin').first().waitFor();
    // `parley start` allows the server's own origin (for /demo).
    expect(await origins()).toContain(server.url);
    expect(await page.getByTestId('embed-snippet').textContent()).toBe(
      `<script src="${server.url}/widget.js" data-org="${server.orgKey}" async></script>`,
    );
  });

  it('adds an allowed origin, which is saved and lets the widget load there', async () => {
    await page.getByLabel('Website origin').fill(`${SHOP}/`);
    await page.getByRole('button', { name: 'Add origin' }).click();
    await expect.poll(() => page.getByTestId('origins-status').textContent()).toContain(SHOP);
    expect(await origins()).toContain(SHOP);
    expect(await page.getByLabel('Website origin').inputValue()).toBe('');

    // Saved on the server: a reload shows it, and the widget config answers for that host.
    await page.reload();
    await page.getByTestId('allowed-origin').first().waitFor();
    expect(await origins()).toEqual(expect.arrayContaining([server.url, SHOP]));
    const config = await fetch(
      `${server.url}/api/widget/config?org=${server.orgKey}&host=${encodeURIComponent(SHOP)}`,
    );
    expect(config.status).toBe(200);
  });

  it('refuses an entry that is not an origin and says why', async () => {
    await page.getByLabel('Website origin').fill('https://shop.example.test/checkout');
    await page.getByRole('button', { name: 'Add origin' }).click();
    const error = page.getByTestId('origins-error');
    await error.waitFor();
    expect(await error.textContent()).toContain(
      'Not an origin (scheme://host[:port], no path): https://shop.example.test/checkout',
    );
    // Nothing changed, and the typed value is kept for correcting.
    expect(await origins()).toEqual(expect.arrayContaining([server.url, SHOP]));
    expect(await page.getByLabel('Website origin').inputValue()).toBe(
      'https://shop.example.test/checkout',
    );
    expect(await page.getByLabel('Website origin').getAttribute('aria-describedby')).toBe(
      'origins-error',
    );
  });

  it('adds and removes a payment currency', async () => {
    await page.getByTestId('payment-currency').first().waitFor();
    const currencies = () =>
      page
        .getByTestId('payment-currency')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-currency')));
    const before = await currencies();
    const code = before.includes('CHF') ? 'SEK' : 'CHF';
    await page.getByLabel('Currency code').fill(code.toLowerCase());
    await page.getByRole('button', { name: 'Add currency' }).click();
    await expect.poll(currencies).toEqual([...before, code]);
    await page.getByRole('button', { name: `Remove ${code}` }).click();
    await expect.poll(currencies).toEqual(before);
    await page.getByLabel('Currency code').fill('EU');
    await page.getByRole('button', { name: 'Add currency' }).click();
    await expect
      .poll(() => page.getByTestId('currencies-error').textContent())
      .toContain('three letters');
  });

  it('takes a screenshot with the saved origin and the refused one', async () => {
    await page.getByLabel('Website origin').fill('shop.example.test');
    await page.getByRole('button', { name: 'Add origin' }).click();
    await expect
      .poll(() => page.getByTestId('origins-error').textContent())
      .toContain('shop.example.test');
    await page.getByTestId('organisation-settings').evaluate((el) => el.scrollTo(0, 0));
    await screenshot(page, 'organisation-settings');
  });
});
