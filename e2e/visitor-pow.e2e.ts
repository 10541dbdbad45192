import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { chatFrame, clickLauncher, launchBrowser } from './browser';

// Issue 11 item 3 in Chromium: with proof of work always on at the production difficulty,
// "Start chat" solves the challenge in the background and the chat connects; the solve time
// is printed (docs/widget.md "Proof of work").
describe('proof of work on visitor sessions (browser)', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    server = await startTestServer({
      logLevel: 'warn',
      env: { PARLEY_VISITOR_POW: 'always', PARLEY_POW_DIFFICULTY: '4' },
    });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('starts a chat with no visible step while the frame solves the challenge', async () => {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${server.url}/demo`);
    await clickLauncher(page);
    const frame = await chatFrame(page);
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await frame.getByTestId('connection-status').getByText('Connected').waitFor();
    const ms = Number(await frame.evaluate(() => document.documentElement.dataset.powMs));
    console.log(`visitor proof of work in Chromium, difficulty 4: ${ms} ms`);
    expect(ms).toBeGreaterThan(0);
  });
});
