import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { newVisitor, visitorSocket, type TestSocket } from '../apps/server/test/clients';
import { launchBrowser, screenshot } from './browser';
import { seriousViolations } from './axe';

// Issue 14 items 9 and 11: an agent with two visitors sees who each reply goes to, pasting
// text copied from one conversation into the other asks first, a masked card is copied
// without digits, a draft stays with its conversation, and links show their real host.
describe('confirming the receiver and safe links (browser)', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let agent: Page;
  const visitors: { token: string; conversationId: string; ws: TestSocket }[] = [];

  const say = async (i: number, text: string): Promise<void> => {
    const v = visitors[i]!;
    const clientMsgId = `m-${i}-${Date.now()}-${Math.random()}`;
    v.ws.send({ type: 'send', clientMsgId, conversationId: v.conversationId, text });
    await v.ws.next('ack', (f) => f.clientMsgId === clientMsgId);
  };
  const open = async (name: string): Promise<void> => {
    await agent.getByTestId('conversation-item').filter({ hasText: name }).first().click();
    await agent.locator(`[data-testid="conversation-view"][aria-label*="${name}"]`).waitFor();
  };
  const accept = async (name: string): Promise<void> => {
    await open(name);
    await agent.getByRole('button', { name: 'Accept' }).click();
    await agent.getByTestId('reply-receiver').filter({ hasText: name }).waitFor();
  };

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    browser = await launchBrowser();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: server.url,
    });
    agent = browser.context.pages()[0] ?? (await browser.context.newPage());
    for (const name of ['Vera', 'Omar']) {
      const v = await newVisitor(server.url, server.orgKey, name);
      const ws = await visitorSocket(server.url, v.token);
      await ws.resume(v.conversationId);
      visitors.push({ ...v, ws });
    }
    await say(0, 'My card is 4242 4242 4242 4242, see https://bank.example@evil.example/pay.');
    await say(1, 'Hello, question about my order');
  }, 120_000);

  afterAll(async () => {
    for (const v of visitors) v.ws.close();
    await browser?.close();
    await server?.close();
  });

  it('names the receiver on the reply box, the send button and aloud', async () => {
    await agent.setViewportSize({ width: 1280, height: 900 });
    await agent.goto(server.url);
    await agent.getByLabel('E-mail').fill(server.admin.email);
    await agent.getByLabel('Password').fill(server.admin.password);
    await agent.getByRole('button', { name: 'Sign in', exact: true }).click();
    await accept('Vera');
    await accept('Omar');
    const view = agent.getByTestId('conversation-view');
    expect(await view.getByTestId('reply-receiver').textContent()).toContain('To Omar');
    await agent.getByLabel('Reply to Omar').fill('Let me look that up');
    await view.getByRole('button', { name: 'Send to Omar' }).waitFor();
    await expect
      .poll(() => view.getByTestId('receiver-announce').textContent())
      .toBe('Replying to Omar');
    await view.getByRole('button', { name: 'Send to Omar' }).click();
    const got = await visitors[1]!.ws.next('message', (f) => f.text === 'Let me look that up');
    expect(got.sender.kind).toBe('agent');
    await expect
      .poll(() => view.getByTestId('receiver-announce').textContent())
      .toBe('Sent to Omar');
    expect(await seriousViolations(agent, '[data-testid="conversation-view"]')).toEqual([]);
  });

  it('keeps each draft with its own conversation', async () => {
    await agent.getByLabel('Reply to Omar').fill('Half a reply for Omar');
    await open('Vera');
    expect(await agent.getByLabel('Reply to Vera').inputValue()).toBe('');
    await open('Omar');
    expect(await agent.getByLabel('Reply to Omar').inputValue()).toBe('Half a reply for Omar');
    await agent.getByLabel('Reply to Omar').fill('');
  });

  it('renders a link safely with the host it really opens', async () => {
    await open('Vera');
    const link = agent.getByTestId('message-link');
    await link.waitFor();
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('href')).toBe('https://bank.example@evil.example/pay');
    expect(await agent.getByTestId('link-host').textContent()).toBe('(evil.example)');
  });

  it('copies a masked card without digits and asks before pasting it to someone else', async () => {
    const msg = agent.getByTestId('message').filter({ hasText: 'My card is' }).locator('.msg-text');
    expect(await msg.textContent()).toContain('4242'); // the last four are shown
    await msg.selectText();
    await agent.keyboard.press('Control+C');
    const copied = await agent.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain('My card is');
    expect(copied).not.toMatch(/\d/);

    await open('Omar');
    const reply = agent.getByLabel('Reply to Omar');
    await reply.focus();
    await agent.keyboard.press('Control+V');
    const dialog = agent.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('copied from the conversation with Vera');
    expect(await seriousViolations(agent, '[data-testid="confirm-dialog"]')).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await reply.inputValue()).toBe('');

    await agent.keyboard.press('Control+V');
    await dialog.getByRole('button', { name: 'Paste into reply to Omar' }).click();
    expect(await reply.inputValue()).toBe(copied);
    await reply.fill('');

    // Pasting it back into Vera's own conversation does not ask.
    await open('Vera');
    await agent.getByLabel('Reply to Vera').focus();
    await agent.keyboard.press('Control+V');
    expect(await agent.getByLabel('Reply to Vera').inputValue()).toBe(copied);
    expect(await dialog.count()).toBe(0);
    await agent.getByLabel('Reply to Vera').fill('');
  });

  it('passes axe at phone width with the receiver named', async () => {
    await agent.setViewportSize({ width: 390, height: 800 });
    await agent.getByTestId('reply-receiver').filter({ hasText: 'Vera' }).waitFor();
    await screenshot(agent, 'console-receiver-phone');
    expect(await seriousViolations(agent, '[data-testid="conversation-view"]')).toEqual([]);
    await agent.setViewportSize({ width: 1280, height: 900 });
    await screenshot(agent, 'console-receiver');
  });
});
