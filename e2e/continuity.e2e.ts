import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { AgentClient } from '../apps/server/test/clients';
import { chatFrame, clickLauncher, launchBrowser, screenshot } from './browser';
import { seriousViolations } from './axe';

// Issue 15 items 5 and 8 (docs/widget.md "Continuity"): the widget stays open across page
// loads and comes back in the same conversation; a returning visitor is not asked the name
// again; after a closed conversation a new one starts and the old one stays readable.
describe('the widget across page loads and conversations', () => {
  let server: TestServer;
  let rest: AgentClient;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let frame: Frame;

  const panelVisible = async (): Promise<boolean> =>
    (await (await (await chatFrame(page)).frameElement()).isVisible()) ?? false;

  async function waitingId(): Promise<string> {
    const { conversations } = (await (
      await rest.request('GET', '/api/conversations?status=waiting')
    ).json()) as { conversations: { id: string }[] };
    return conversations[0]?.id ?? '';
  }

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    rest = new AgentClient(server.url);
    await rest.login(server.admin.email, server.admin.password);
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.setViewportSize({ width: 390, height: 800 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the composer uses 16 px text, so iOS does not zoom into it', async () => {
    await page.goto(`${server.url}/demo`);
    await clickLauncher(page);
    frame = await chatFrame(page);
    const size = (sel: string) =>
      frame.locator(sel).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(await size('#visitor-name')).toBeGreaterThanOrEqual(16);
    await frame.getByLabel('Your name (optional)').fill('Rosa');
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await frame.getByTestId('connection-status').getByText('Connected').waitFor();
    expect(await size('#composer-input')).toBeGreaterThanOrEqual(16);
  });

  it('stays open across a page load and comes back in the same conversation', async () => {
    await frame.getByLabel('Message').fill('First question');
    await frame.getByRole('button', { name: 'Send' }).click();
    await frame.locator('[data-testid="message"][data-state="sent"]').waitFor();

    await page.reload();
    await expect.poll(panelVisible).toBe(true);
    frame = await chatFrame(page);
    await frame.getByTestId('message').filter({ hasText: 'First question' }).waitFor();
    expect(await frame.getByTestId('start-form').count()).toBe(0);
    expect(await seriousViolations(frame, 'body')).toEqual([]);

    // Closed stays closed, too.
    await frame.getByRole('button', { name: 'Minimise chat' }).click();
    await expect.poll(panelVisible).toBe(false);
    await page.reload();
    frame = await chatFrame(page);
    await frame
      .getByTestId('message')
      .filter({ hasText: 'First question' })
      .waitFor({ state: 'attached' });
    expect(await panelVisible()).toBe(false);
  });

  it('after the chat is closed, a new one starts without the name, and the old one stays readable', async () => {
    const id = await waitingId();
    await rest.request('POST', `/api/conversations/${id}/accept`);
    await rest.request('POST', `/api/conversations/${id}/messages`, {
      clientMsgId: 'c1',
      text: 'Answer to the first question.',
    });
    await rest.request('POST', `/api/conversations/${id}/close`);
    await clickLauncher(page);
    await frame.getByTestId('end-of-chat').waitFor();

    await frame.getByRole('button', { name: 'Start a new conversation' }).click();
    await frame.getByText('Welcome back.').waitFor();
    expect(await frame.getByLabel('Your name (optional)').count()).toBe(0);
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await frame.getByTestId('connection-status').getByText('Connected').waitFor();
    await frame.getByLabel('Message').fill('Second question');
    await frame.getByRole('button', { name: 'Send' }).click();
    await frame.locator('[data-testid="message"][data-state="sent"]').waitFor();
    expect(await frame.getByTestId('message').filter({ hasText: 'First question' }).count()).toBe(
      0,
    );

    // The old conversation, from the list, read-only; then back to the open one.
    const earlier = frame.getByTestId('earlier-conversations');
    await earlier.getByText('Earlier conversations').click();
    await earlier.getByRole('button', { name: /^Conversation of / }).click();
    await frame
      .getByTestId('message')
      .filter({ hasText: 'Answer to the first question.' })
      .waitFor();
    await frame.getByTestId('end-of-chat').waitFor();
    // Another conversation is open: no second "start new" from the old one.
    expect(await frame.getByRole('button', { name: 'Start a new conversation' }).count()).toBe(0);
    expect(await seriousViolations(frame, 'body')).toEqual([]);
    await screenshot(page, 'widget-earlier-conversation-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await seriousViolations(frame, 'body')).toEqual([]);
    await screenshot(page, 'widget-earlier-conversation-desktop');

    await frame.getByRole('button', { name: 'Back to the current conversation' }).click();
    await frame.getByTestId('message').filter({ hasText: 'Second question' }).waitFor();
    await frame.getByLabel('Message').waitFor();
  });
});
