import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { contrastRatio, ensureBrandContrast } from '@parley/protocol';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { chatFrame, clickLauncher, launchBrowser, screenshot } from './browser';
import { seriousViolations } from './axe';

// Issue 15 item 6 (docs/widget.md "Branding"): an admin sets the widget's colour and position in
// the console, sees them in the preview, and the demo page's widget uses them. A colour that
// would fail WCAG AA is flagged and the adjusted one is what the widget gets.
describe('widget branding', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const CHOSEN = '#ffd700'; // gold: white text on it is far below 4.5:1
  const ADJUSTED = ensureBrandContrast(CHOSEN).colour;
  const rgb = (hex: string) =>
    `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.setViewportSize({ width: 1280, height: 900 });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens the branding page from the organisation settings, with no serious axe violation', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('E-mail').fill(server.admin.email);
    await page.getByLabel('Password').fill(server.admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('agent-name').waitFor();
    await page.goto(`${server.url}/settings/organisation`);
    await page.getByTestId('branding-link').click();
    await page.getByRole('heading', { name: 'Widget branding', level: 1 }).waitFor();
    await page.getByTestId('branding-preview').waitFor();
    expect(await page.getByTestId('brand-contrast').textContent()).toContain('meets WCAG AA');
    expect(await seriousViolations(page, 'body')).toEqual([]);
  });

  it('warns about a colour that fails AA, previews and saves the adjusted one with the position', async () => {
    await page.getByTestId('brand-colour').fill(CHOSEN);
    const warning = page.getByTestId('brand-contrast-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toContain(ADJUSTED);
    const preview = page.getByTestId('branding-preview');
    expect(await preview.getAttribute('data-colour')).toBe(ADJUSTED);
    await page.getByRole('button', { name: 'Use the adjusted colour' }).click();
    expect(await page.getByTestId('brand-colour').inputValue()).toBe(ADJUSTED);
    await page.getByTestId('brand-contrast').waitFor();

    await page.getByTestId('brand-position-left').check();
    await page.getByLabel('Distance from the side (px)').fill('40');
    await page.getByLabel('Distance from the bottom (px)').fill('30');
    await page.getByLabel('Launcher label (empty: icon only)').fill('Ask us');
    await page.getByLabel('Greeting').fill('Welcome to the gold shop');
    expect(await preview.getAttribute('data-position')).toBe('left');
    // The preview's launcher sits on the left half of the preview page, in the chosen colour.
    const launcher = page.getByTestId('branding-preview-launcher');
    const [box, pageBox] = await Promise.all([
      launcher.boundingBox(),
      preview.locator('.brand-page').boundingBox(),
    ]);
    expect(box && pageBox && box.x - pageBox.x).toBeLessThan((pageBox?.width ?? 0) / 2);
    expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      rgb(ADJUSTED),
    );
    expect(await preview.textContent()).toContain('Welcome to the gold shop');

    await page.getByTestId('brand-save').click();
    await page.getByTestId('branding-status').waitFor();
    await screenshot(page, 'branding-settings-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await seriousViolations(page, 'body')).toEqual([]);
    await screenshot(page, 'branding-settings-390');
  });

  it("the demo page's widget uses the saved colour and position", async () => {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 844 });
      await page.goto(`${server.url}/demo`);
      const host = page.locator('[data-parley-widget]');
      await host.waitFor({ state: 'attached' });
      await expect.poll(async () => (await host.boundingBox())?.x).toBe(40);
      const box = await host.boundingBox();
      expect(Math.round((box?.y ?? 0) + (box?.height ?? 0))).toBe(844 - 30);
      expect(await host.evaluate((el) => getComputedStyle(el).getPropertyValue('--c').trim())).toBe(
        ADJUSTED,
      );

      await clickLauncher(page);
      const frame = await chatFrame(page);
      const head = frame.locator('.head');
      await head.waitFor();
      await expect
        .poll(() => head.evaluate((el) => getComputedStyle(el).backgroundColor))
        .toBe(rgb(ADJUSTED));
      const text = await head.evaluate((el) => getComputedStyle(el).color);
      expect(text).toBe('rgb(255, 255, 255)');
      expect(contrastRatio(ADJUSTED, '#ffffff')).toBeGreaterThanOrEqual(4.5);
      await frame.getByText('Welcome to the gold shop').waitFor();
      expect(await seriousViolations(frame, 'body')).toEqual([]);
      await screenshot(page, `branding-demo-${width}`);
      // Closed again, so the next page load starts the same way.
      await frame.getByRole('button', { name: 'Minimise chat' }).click();
    }
  });
});
