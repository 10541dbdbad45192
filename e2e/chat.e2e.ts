import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { chatFrame, clickLauncher, openWidget, launchBrowser, screenshot } from './browser';

// One visitor on the demo page and one agent in the console chat both ways
// through a real server and a real browser, then the visitor reloads.
describe('live chat in the browser', () => {
  let server: TestServer;
  let visitorBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let agentBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let visitor: Page;
  let agent: Page;
  let frame: Frame;

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    // Two profiles: the visitor and the agent share no storage or cookies.
    visitorBrowser = await launchBrowser();
    agentBrowser = await launchBrowser();
    visitor = await firstPage(visitorBrowser.context);
    agent = await firstPage(agentBrowser.context);
  });

  afterAll(async () => {
    await visitorBrowser?.close();
    await agentBrowser?.close();
    await server?.close();
  });

  it('a visitor opens the widget on the demo page and writes', async () => {
    await visitor.goto(`${server.url}/demo`);
    await clickLauncher(visitor);
    frame = await chatFrame(visitor);
    await frame.getByLabel('Your name (optional)').fill('Vera');
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await frame.getByTestId('connection-status').getByText('Connected').waitFor();
    await frame.getByLabel('Message').fill('Hello, I need help with my order');
    await frame.getByRole('button', { name: 'Send' }).click();
    await frame
      .locator('[data-testid="message"][data-state="sent"]', { hasText: 'Hello, I need help' })
      .waitFor();
    await screenshot(visitor, 'visitor-first-message');
  });

  it('an agent signs in, sees the conversation in the queue and accepts it', async () => {
    await agent.goto(server.url);
    await agent.getByLabel('E-mail').fill(server.admin.email);
    await agent.getByLabel('Password').fill('wrong password');
    await agent.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => agent.getByTestId('signin-error').textContent()).toMatch(/wrong/);
    await agent.getByLabel('Password').fill(server.admin.password);
    await agent.getByRole('button', { name: 'Sign in', exact: true }).click();
    const item = agent
      .getByTestId('queue-waiting')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Vera' });
    await item.click();
    const view = agent.getByTestId('conversation-view');
    await view
      .getByTestId('message')
      .filter({ hasText: 'Hello, I need help with my order' })
      .waitFor();
    await agent.getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => view.getByTestId('conversation-status').textContent()).toBe('active');
    await agent
      .getByTestId('list-mine')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Vera' })
      .waitFor();
  });

  it('they chat both ways live, with typing indicators', async () => {
    await agent.getByLabel('Reply').pressSequentially('Hi Vera');
    await frame.getByTestId('typing-indicator').waitFor();
    await agent.getByLabel('Reply').pressSequentially(', happy to help. What is the order number?');
    await agent.getByLabel('Reply').press('Enter');
    await frame.getByTestId('message').filter({ hasText: 'happy to help' }).waitFor();
    await frame.getByTestId('typing-indicator').waitFor({ state: 'detached' });

    await frame.getByLabel('Message').pressSequentially('It is 10');
    await agent.getByTestId('typing-indicator').waitFor();
    await frame.getByLabel('Message').pressSequentially('42, thanks!');
    await frame.getByLabel('Message').press('Enter');
    // A bare number could be the first piece of a card sent in parts: it is held, not shown.
    await agent.getByTestId('message').filter({ hasText: 'It is ••••, thanks!' }).waitFor();
    await agent.getByTestId('held-badge').first().waitFor();
    await screenshot(agent, 'console-conversation');
    await screenshot(visitor, 'visitor-conversation');
  });

  it('warns before a card number leaves the browser and sends only the masked text', async () => {
    await frame.getByLabel('Message').fill('my card is 4242 4242 4242 4242');
    await frame.getByRole('button', { name: 'Send' }).click();
    await frame.getByTestId('mask-warning').waitFor();
    await screenshot(visitor, 'visitor-card-warning');
    await frame.getByRole('button', { name: 'Send with the number hidden' }).click();
    await frame.getByTestId('masked-notice').last().waitFor();
    await agent
      .getByTestId('message')
      .filter({ hasText: 'my card is' })
      .filter({ hasText: '4242' })
      .waitFor();
    expect(await agent.content()).not.toMatch(/4242[ -]?4242[ -]?4242/);
  });

  it('applies a redaction when a card number is split over two messages', async () => {
    // Each half alone is not a card number, so the widget sends it; the server's
    // per-conversation masker spots the whole and redacts the earlier half.
    for (const part of ['the number is 5555 5555', '5555 4444']) {
      await frame.getByLabel('Message').fill(part);
      await frame.getByLabel('Message').press('Enter');
    }
    await agent.getByTestId('masked-badge').first().waitFor();
    await frame.getByTestId('masked-notice').nth(1).waitFor();
    expect(await agent.content()).not.toMatch(/5555 5555/);
    expect(await frame.content()).not.toMatch(/5555 5555/);
    await screenshot(agent, 'console-masked');
    await screenshot(visitor, 'visitor-masked');
  });

  it('the visitor reloads and still sees the whole conversation', async () => {
    const before = await frame.locator('[data-testid="message"][data-sender]').count();
    await visitor.reload();
    await openWidget(visitor);
    frame = await chatFrame(visitor);
    await frame.getByTestId('connection-status').getByText('Connected').waitFor();
    await expect.poll(() => frame.locator('[data-testid="message"]').count()).toBe(before);
    for (const text of [
      'Hello, I need help with my order',
      'happy to help',
      'It is ••••, thanks!',
    ]) {
      await frame.getByTestId('message').filter({ hasText: text }).waitFor();
    }
    await screenshot(visitor, 'visitor-after-reload');
  });
});

async function firstPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ?? (await context.newPage());
}
