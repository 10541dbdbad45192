import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import {
  AgentClient,
  newVisitor,
  visitorSocket,
  type TestSocket,
} from '../apps/server/test/clients';
import { launchBrowser, screenshot } from './browser';
import { seriousViolations } from './axe';

// Issue 14 item 3: a supervisor watches an agent's conversation live without a reply box,
// joins it (the visitor and the history see "<name> joined"), and then both reply.
describe('supervisors watch and join (browser)', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let visitor: { token: string; conversationId: string };
  let vs: TestSocket;
  let agentSocket: TestSocket;
  let n = 0;

  const agentSays = async (text: string): Promise<void> => {
    const clientMsgId = `agent-${++n}`;
    agentSocket.send({ type: 'send', clientMsgId, conversationId: visitor.conversationId, text });
    await agentSocket.next('ack', (f) => f.clientMsgId === clientMsgId);
  };

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    visitor = await newVisitor(server.url, server.orgKey, 'Wanda');
    vs = await visitorSocket(server.url, visitor.token);
    await vs.resume(visitor.conversationId);
    const a = await server.createAgent('agent');
    const agent = new AgentClient(server.url);
    await agent.login(a.email, a.password);
    await agent.request('POST', `/api/conversations/${visitor.conversationId}/accept`);
    agentSocket = await agent.socket();
    await agentSocket.next('ready');
    await agentSocket.resume(visitor.conversationId);
    await agentSays('Hello Wanda, how can I help?');
  }, 120_000);

  afterAll(async () => {
    vs?.close();
    agentSocket?.close();
    await browser?.close();
    await server?.close();
  });

  it('a supervisor watches live, read-only', async () => {
    const sup = await server.createAgent('supervisor');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(server.url);
    await page.getByLabel('E-mail').fill(sup.email);
    await page.getByLabel('Password').fill(sup.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page
      .getByTestId('list-others')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Wanda' })
      .click();
    const view = page.getByTestId('conversation-view');
    await view.getByText('Hello Wanda, how can I help?').waitFor();
    await view.getByTestId('watching-note').waitFor();
    expect(await page.locator('#reply-input').count()).toBe(0);
    await agentSays('Let me check your order (live-marker)');
    await view.getByText('Let me check your order (live-marker)').waitFor();
    expect(await seriousViolations(page, '[data-testid="conversation-view"]')).toEqual([]);
  });

  it('joins: the visitor and the history see it, and both reply', async () => {
    const view = page.getByTestId('conversation-view');
    await view.getByRole('button', { name: 'Join conversation' }).click();
    const notice = await vs.next('message', (f) => / joined the conversation\.$/.test(f.text));
    expect(notice.sender.kind).toBe('system');
    await view.getByTestId('message').filter({ hasText: notice.text }).waitFor();
    await agentSocket.next('message', (f) => f.text === notice.text);
    expect(await view.getByRole('button', { name: 'Join conversation' }).count()).toBe(0);

    await page.getByLabel('Reply to Wanda').fill('A supervisor here, I can help too.');
    await page.getByRole('button', { name: 'Send to Wanda' }).click();
    const fromSup = await vs.next(
      'message',
      (f) => f.text === 'A supervisor here, I can help too.',
    );
    expect(fromSup.sender.kind).toBe('agent');
    await agentSays('Thanks, I will take it from here.');
    await vs.next('message', (f) => f.text === 'Thanks, I will take it from here.');
    await view.getByText('Thanks, I will take it from here.').waitFor();
    await screenshot(page, 'console-supervisor-joined');

    // A reload keeps the join (read from the store).
    await page.reload();
    await page
      .getByTestId('list-others')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Wanda' })
      .click();
    await page.getByLabel('Reply to Wanda').waitFor();
    expect(await seriousViolations(page, '[data-testid="conversation-view"]')).toEqual([]);
    await page.setViewportSize({ width: 390, height: 800 });
    await screenshot(page, 'console-supervisor-joined-phone');
    expect(await seriousViolations(page, '[data-testid="conversation-view"]')).toEqual([]);
  });
});
