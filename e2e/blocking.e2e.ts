import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { chatFrame, clickLauncher, openWidget, launchBrowser, screenshot } from './browser';
import { seriousViolations } from './axe';

// Issue 11 item 4 in a real browser: an agent blocks a visitor from the conversation; the
// visitor's chat ends at once with a neutral message and a reload does not bring it back;
// an admin sees the block with its refused attempts, lifts it, and the visitor chats again.
// Dialog and page are checked with axe at desktop and phone widths.
describe('blocking visitors (browser)', () => {
  let server: TestServer;
  let visitorBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let agentBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let visitor: Page;
  let agent: Page;
  let frame: Frame;

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    visitorBrowser = await launchBrowser();
    agentBrowser = await launchBrowser();
    visitor = await firstPage(visitorBrowser.context);
    agent = await firstPage(agentBrowser.context);
    await agent.setViewportSize({ width: 1280, height: 900 });
  }, 120_000);

  afterAll(async () => {
    await visitorBrowser?.close();
    await agentBrowser?.close();
    await server?.close();
  });

  it('an agent blocks the visitor from the conversation; the visitor sees a neutral message at once', async () => {
    await visitor.goto(`${server.url}/demo`);
    await clickLauncher(visitor);
    frame = await chatFrame(visitor);
    await frame.getByLabel('Your name (optional)').fill('Spammy Sam');
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await frame.getByTestId('connection-status').getByText('Connected').waitFor();
    await frame.getByLabel('Message').fill('buy cheap things');
    await frame.getByRole('button', { name: 'Send' }).click();
    await frame.locator('[data-testid="message"][data-state="sent"]').first().waitFor();

    await agent.goto(server.url);
    await agent.getByLabel('E-mail').fill(server.admin.email);
    await agent.getByLabel('Password').fill(server.admin.password);
    await agent.getByRole('button', { name: 'Sign in', exact: true }).click();
    await agent
      .getByTestId('queue-waiting')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Spammy Sam' })
      .click();
    await agent.getByRole('button', { name: 'Block visitor' }).click();
    const dialog = agent.getByTestId('block-dialog');
    await dialog.waitFor();
    // The visitor is not verified: no identity choice.
    expect(await dialog.getByText('The verified customer').count()).toBe(0);
    await dialog.getByLabel('This visitor').check();
    await dialog.getByLabel('Reason (kept in the audit log)').fill('spam links');
    await dialog.getByLabel('For').selectOption({ label: '7 days' });
    expect(await seriousViolations(agent, '[data-testid="block-dialog"]')).toEqual([]);
    await dialog.getByRole('button', { name: 'Block', exact: true }).click();
    await agent.getByTestId('block-notice').waitFor();
    await screenshot(agent, 'blocking-agent');

    await frame.getByText('Chat is not available at the moment.').waitFor();
    expect(await frame.getByLabel('Message').count()).toBe(0);
    await screenshot(visitor, 'blocking-visitor');
  });

  it('a reload does not bring the chat back', async () => {
    await visitor.reload();
    await openWidget(visitor);
    frame = await chatFrame(visitor);
    await frame.getByText('Chat is not available at the moment.').waitFor();
  });

  it('an admin sees the block with its refused attempts and lifts it; the visitor can chat again', async () => {
    await agent.goto(`${server.url}/settings/blocks`);
    await agent.getByTestId('blocks').waitFor();
    const row = agent.getByTestId('block-row').filter({ hasText: 'spam links' });
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('active');
    await expect
      .poll(
        async () => {
          await server.server.signals.flush();
          await agent.reload();
          const text = await agent
            .getByTestId('block-row')
            .filter({ hasText: 'spam links' })
            .locator('td')
            .nth(6)
            .textContent();
          return Number(text);
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThanOrEqual(1);
    expect(await seriousViolations(agent, '[data-testid="blocks"]')).toEqual([]);
    await agent.setViewportSize({ width: 390, height: 800 });
    expect(await seriousViolations(agent, '[data-testid="blocks"]')).toEqual([]);
    await screenshot(agent, 'blocks-phone');
    await agent.setViewportSize({ width: 1280, height: 900 });

    await agent.getByRole('button', { name: /^Lift/ }).first().click();
    await agent.getByTestId('confirm-dialog').getByRole('button', { name: 'Lift block' }).click();
    await agent.getByTestId('blocks-notice').getByText('Block lifted.').waitFor();
    await agent
      .getByTestId('block-row')
      .filter({ hasText: 'spam links' })
      .filter({ hasText: 'lifted' })
      .waitFor();

    await visitor.reload();
    await openWidget(visitor);
    frame = await chatFrame(visitor);
    await frame.getByTestId('connection-status').getByText('Connected').waitFor();
    await frame.getByTestId('message').filter({ hasText: 'buy cheap things' }).waitFor();
  });

  it('an admin blocks a network on the page; a phone-width dialog passes axe', async () => {
    await agent.getByLabel('Address or CIDR range (IPv4 or IPv6)').fill('198.51.100.0/24');
    await agent.getByLabel('Reason').fill('known bot network');
    await agent.getByRole('button', { name: 'Block', exact: true }).click();
    await agent.getByTestId('block-row').filter({ hasText: '198.51.100.0/24' }).waitFor();
    await agent.getByLabel('Address or CIDR range (IPv4 or IPv6)').fill('not-an-address');
    await agent.getByLabel('Reason').fill('typo');
    await agent.getByRole('button', { name: 'Block', exact: true }).click();
    await agent
      .getByTestId('blk-error')
      .getByText(/not an IPv4 or IPv6/)
      .waitFor();

    await agent.goto(server.url);
    await agent.setViewportSize({ width: 390, height: 800 });
    await agent.getByTestId('conversation-item').filter({ hasText: 'Spammy Sam' }).first().click();
    await agent.getByRole('button', { name: 'Block visitor' }).click();
    await agent.getByTestId('block-dialog').waitFor();
    expect(await seriousViolations(agent, '[data-testid="block-dialog"]')).toEqual([]);
    await agent.getByTestId('block-dialog').getByRole('button', { name: 'Cancel' }).click();
    await agent.setViewportSize({ width: 1280, height: 900 });
  });
});

async function firstPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ?? (await context.newPage());
}
