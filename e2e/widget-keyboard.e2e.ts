import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { chatFrame, launchBrowser, screenshot } from './browser';

describe('the widget by keyboard, on a phone-sized screen', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.setViewportSize({ width: 390, height: 780 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens with Tab + Enter, focuses the chat, and closes with Escape back to the launcher', async () => {
    await page.goto(`${server.url}/demo`);
    const frame = await chatFrame(page);
    const iframe = await frame.frameElement();
    expect(await iframe.isVisible()).toBe(false);

    // Tab until the launcher has focus (a narrow page may have a scrollable block first).
    for (
      let i = 0;
      i < 5 &&
      !(await page.evaluate(() => document.activeElement?.hasAttribute('data-parley-widget')));
      i++
    )
      await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => iframe.isVisible()).toBe(true);
    await frame.getByLabel('Your name (optional)').waitFor();
    await expect.poll(() => frame.evaluate(() => document.activeElement?.id)).toBe('visitor-name');
    await screenshot(page, 'widget-mobile-open');

    await page.keyboard.type('Kim');
    await page.keyboard.press('Enter');
    await frame.getByTestId('connection-status').getByText('Connected').waitFor();
    await expect
      .poll(() => frame.evaluate(() => document.activeElement?.id))
      .toBe('composer-input');
    await page.keyboard.type('Typed without a mouse');
    await page.keyboard.press('Enter');
    await frame
      .locator('[data-testid="message"][data-state="sent"]', { hasText: 'Typed without a mouse' })
      .waitFor();
    await screenshot(page, 'widget-mobile-chat');

    await page.keyboard.press('Escape');
    await expect.poll(() => iframe.isVisible()).toBe(false);
    // Focus is back on the launcher: Enter opens the panel again.
    await page.keyboard.press('Enter');
    await expect.poll(() => iframe.isVisible()).toBe(true);
  });
});
