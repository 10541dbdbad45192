import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page, WebSocketRoute } from 'playwright-core';
import { AgentClient, newVisitor, visitorSocket } from '../apps/server/test/clients';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { chatFrame, clickLauncher, launchBrowser, screenshot } from './browser';

/**
 * A WebSocket proxy in the browser (Playwright's routeWebSocket) between the
 * page and the real server: it can hold back server frames and cut the
 * connection, to play a lost ack or a dropped network.
 */
class SocketProxy {
  holdServerFrames = false;
  /** Drops `send` frames from the page, as if they were lost on the way. */
  dropClientSends = false;
  /** Server frames of type `resumed` passed to the page: the widget sends only after one. */
  resumed = 0;
  private routes: WebSocketRoute[] = [];

  async attach(page: Page, path: RegExp): Promise<void> {
    await page.routeWebSocket(path, (ws) => {
      const server = ws.connectToServer();
      this.routes.push(ws);
      server.onMessage((m) => {
        if (this.holdServerFrames) return;
        if (typeof m === 'string' && m.startsWith('{"type":"resumed"')) this.resumed += 1;
        ws.send(m);
      });
      ws.onMessage((m) => {
        if (this.dropClientSends && typeof m === 'string' && m.includes('"type":"send"')) return;
        server.send(m);
      });
      ws.onClose(() => void server.close());
      server.onClose(() => void ws.close());
    });
  }

  /** Cuts every open connection; the client sees a close without a clean reason. */
  async cut(): Promise<void> {
    const routes = this.routes;
    this.routes = [];
    await Promise.all(routes.map((r) => r.close({ code: 4000, reason: 'cut' })));
  }

  get connections(): number {
    return this.routes.length;
  }
}

describe('nothing acknowledged is lost, nothing is stored twice', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let frame: Frame;
  let admin: AgentClient;
  const proxy = new SocketProxy();

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await proxy.attach(page, /\/ws\/visitor/);
    admin = new AgentClient(server.url);
    expect((await admin.login(server.admin.email, server.admin.password)).ok).toBe(true);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function storedTexts(): Promise<string[]> {
    const list = (await (
      await admin.request('GET', '/api/conversations?status=waiting')
    ).json()) as { conversations: { id: string }[] };
    const id = list.conversations[0]?.id;
    if (!id) return [];
    const body = (await (
      await admin.request('GET', `/api/conversations/${id}/messages?afterSeq=0&limit=500`)
    ).json()) as { messages: { text: string }[] };
    return body.messages.map((m) => m.text);
  }

  const sent = (text: string) =>
    frame.locator('[data-testid="message"][data-state="sent"]', { hasText: text });
  const pending = (text: string) =>
    frame.locator('[data-testid="message"][data-state="pending"]', { hasText: text });

  it('re-sends a message whose ack was lost with the same id; the server stores it once', async () => {
    await page.goto(`${server.url}/demo`);
    await clickLauncher(page);
    frame = await chatFrame(page);
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await frame.getByTestId('connection-status').getByText('Connected').waitFor();
    // "Connected" shows on `ready`; the outbox is sent after `resumed`, which must not be held.
    await expect.poll(() => proxy.resumed).toBeGreaterThan(0);

    proxy.holdServerFrames = true;
    await frame.getByLabel('Message').fill('Are you there?');
    await frame.getByLabel('Message').press('Enter');
    await pending('Are you there?').waitFor();
    await expect.poll(storedTexts).toEqual(['Are you there?']);

    await proxy.cut();
    proxy.holdServerFrames = false;
    await frame
      .getByTestId('connection-status')
      .getByText(/Offline|Reconnecting|Connecting/)
      .waitFor();
    await frame
      .getByTestId('connection-status')
      .getByText('Connected')
      .waitFor({ timeout: 15_000 });
    await sent('Are you there?').waitFor();
    await expect
      .poll(() => frame.getByTestId('message').filter({ hasText: 'Are you there?' }).count())
      .toBe(1);
    expect(await storedTexts()).toEqual(['Are you there?']);
  });

  it('keeps a message that never reached the server across a reload and delivers it once afterwards', async () => {
    proxy.dropClientSends = true;
    await frame.getByLabel('Message').fill('Written before the reload');
    await frame.getByLabel('Message').press('Enter');
    await pending('Written before the reload').waitFor();
    await screenshot(page, 'visitor-pending');
    expect(await storedTexts()).toEqual(['Are you there?']);
    proxy.dropClientSends = false;
    await page.reload();
    // The panel stays open across the reload (issue 15 item 5): no click needed.
    frame = await chatFrame(page);
    await expect.poll(async () => (await frame.frameElement()).isVisible()).toBe(true);
    await sent('Written before the reload').waitFor();
    await expect
      .poll(() =>
        frame.getByTestId('message').filter({ hasText: 'Written before the reload' }).count(),
      )
      .toBe(1);
    expect(await storedTexts()).toEqual(['Are you there?', 'Written before the reload']);
  });

  it('shows a reply that arrived while the widget was closed as an unread count on the launcher', async () => {
    // The minimise button posts "close" to the loader over the checked postMessage link.
    await frame.getByRole('button', { name: 'Minimise chat' }).click();
    const list = (await (
      await admin.request('GET', '/api/conversations?status=waiting')
    ).json()) as { conversations: { id: string }[] };
    const id = list.conversations[0]!.id;
    expect((await admin.request('POST', `/api/conversations/${id}/accept`, {})).ok).toBe(true);
    const agentWs = await admin.socket();
    await agentWs.next('ready');
    agentWs.send({
      type: 'send',
      clientMsgId: 'agent-reply-1',
      conversationId: id,
      text: 'Yes, I am here.',
    });
    await agentWs.next('ack');
    agentWs.close();
    // The badge lives in the closed shadow root; its count is in the launcher's accessible name.
    const cdp = await page.context().newCDPSession(page);
    const names = async (): Promise<string[]> => {
      const { nodes } = await cdp.send('Accessibility.getFullAXTree');
      return nodes.map((n) => String(n.name?.value ?? ''));
    };
    await expect.poll(names).toContain('Open chat, 1 unread');
    await screenshot(page, 'launcher-unread');
  });
});

describe('the console updates live', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(server.url);
    await screenshot(page, 'console-sign-in');
    await page.getByLabel('E-mail').fill(server.admin.email);
    await page.getByLabel('Password').fill(server.admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('connection-status').getByText('Live').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a new conversation in the queue and its messages without a reload', async () => {
    const v = await newVisitor(server.url, server.orgKey, 'Quentin');
    const item = page
      .getByTestId('queue-waiting')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Quentin' });
    await item.waitFor();
    await item.click();
    const ws = await visitorSocket(server.url, v.token);
    ws.send({ type: 'resume', conversationId: v.conversationId, afterSeq: 0 });
    await ws.next('resumed');
    ws.send({
      type: 'send',
      clientMsgId: 'q-1',
      conversationId: v.conversationId,
      text: 'Do you ship to Norway?',
    });
    await page.getByTestId('message').filter({ hasText: 'Do you ship to Norway?' }).waitFor();
    await screenshot(page, 'console-queue');
    ws.close();
  });

  it('moves a conversation another agent accepted out of the queue, and says so', async () => {
    const v = await newVisitor(server.url, server.orgKey, 'Rosa');
    await page
      .getByTestId('queue-waiting')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Rosa' })
      .click();
    const other = await server.createAgent('agent');
    const bob = new AgentClient(server.url);
    await bob.login(other.email, other.password);
    expect(
      (await bob.request('POST', `/api/conversations/${v.conversationId}/accept`, {})).ok,
    ).toBe(true);
    // An admin watches it (supervisors may join), an agent is told it is taken: both name it.
    await page.getByText(/is handling this conversation/).waitFor();
    await page
      .getByTestId('list-others')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Rosa' })
      .waitFor();
    expect(
      await page
        .getByTestId('queue-waiting')
        .getByTestId('conversation-item')
        .filter({ hasText: 'Rosa' })
        .count(),
    ).toBe(0);
  });

  it('explains a lost race for a conversation (409 conversation_taken)', async () => {
    const v = await newVisitor(server.url, server.orgKey, 'Sam');
    await page
      .getByTestId('queue-waiting')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Sam' })
      .click();
    // Another agent accepts it just before this agent's Accept request reaches
    // the server (the request is held until then), so the real server answers 409.
    await page.route('**/api/conversations/*/accept', async (route) => {
      const other = await server.createAgent('agent');
      const bob = new AgentClient(server.url);
      await bob.login(other.email, other.password);
      await bob.request('POST', `/api/conversations/${v.conversationId}/accept`, {});
      await route.continue();
    });
    await page.getByRole('button', { name: 'Accept' }).click();
    await expect
      .poll(() => page.getByTestId('action-error').textContent())
      .toMatch(/already accepted/);
    await page.unroute('**/api/conversations/*/accept');
  });

  it('accepts and closes a conversation; it moves to Closed', async () => {
    const v = await newVisitor(server.url, server.orgKey, 'Tess');
    await page
      .getByTestId('queue-waiting')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Tess' })
      .click();
    await page.getByRole('button', { name: 'Accept' }).click();
    await page
      .getByTestId('list-mine')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Tess' })
      .waitFor();
    await page.getByRole('button', { name: 'Close conversation' }).click();
    await page
      .getByTestId('list-closed')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Tess' })
      .waitFor();
    expect(v.conversationId).toBeTruthy();
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  });
});
