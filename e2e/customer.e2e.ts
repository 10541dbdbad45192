import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { AgentClient } from '../apps/server/test/clients';
import { startSmtp } from '../apps/server/test/smtp';
import { chatFrame, clickLauncher, launchBrowser, screenshot } from './browser';
import { seriousViolations } from './axe';

// The customer's everyday flow (docs/feedback.md): chat, the agent ends it, the customer rates
// it and asks for a transcript, the agent sees the rating; on a phone and on a desktop.
describe('the customer side: rating and transcript', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let visitorBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let agentBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let visitor: Page;
  let agent: Page;
  let frame: Frame;
  let rest: AgentClient;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer({
      logLevel: 'warn',
      env: {
        PARLEY_SMTP_HOST: '127.0.0.1',
        PARLEY_SMTP_PORT: String(smtp.port),
        PARLEY_SMTP_SECURITY: 'none',
        PARLEY_SMTP_FROM: 'Parley <parley@example.test>',
      },
    });
    rest = new AgentClient(server.url);
    await rest.login(server.admin.email, server.admin.password);
    visitorBrowser = await launchBrowser();
    agentBrowser = await launchBrowser();
    visitor = await firstPage(visitorBrowser.context);
    agent = await firstPage(agentBrowser.context);
    // The customer is on a phone.
    await visitor.setViewportSize({ width: 390, height: 800 });
  });

  afterAll(async () => {
    await visitorBrowser?.close();
    await agentBrowser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('the visitor chats, with a card number typed in', async () => {
    await visitor.goto(`${server.url}/demo`);
    await clickLauncher(visitor);
    frame = await chatFrame(visitor);
    await frame.getByLabel('Your name (optional)').fill('Vera');
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await frame.getByTestId('connection-status').getByText('Connected').waitFor();
    await frame.getByLabel('Message').fill('my card is 5555 5555 5555 4444');
    await frame.getByRole('button', { name: 'Send' }).click();
    await frame.getByRole('button', { name: 'Send with the number hidden' }).click();
    await frame.getByTestId('masked-notice').last().waitFor();
  });

  it('the agent replies, adds a note and ends the chat; the visitor is offered a rating', async () => {
    const { conversations } = (await (
      await rest.request('GET', '/api/conversations?status=waiting')
    ).json()) as { conversations: { id: string }[] };
    const id = conversations[0]?.id ?? '';
    await rest.request('POST', `/api/conversations/${id}/accept`);
    await rest.request('POST', `/api/conversations/${id}/messages`, {
      clientMsgId: 'r1',
      text: 'Thanks Vera, your order is on its way.',
    });
    await rest.request('POST', `/api/conversations/${id}/notes`, {
      clientId: 'n1',
      text: 'secret-note-marker',
    });
    await frame.getByTestId('message').filter({ hasText: 'your order is on its way' }).waitFor();
    await rest.request('POST', `/api/conversations/${id}/close`);
    await frame.getByTestId('end-of-chat').waitFor();
    await frame.getByRole('group', { name: 'How was this chat?' }).waitFor();
    expect(await seriousViolations(frame, 'body')).toEqual([]);
    await screenshot(visitor, 'customer-rating-phone');
  });

  it('the visitor rates it with a comment and asks for a transcript, which arrives masked', async () => {
    await frame.getByRole('radio', { name: '4 of 5: Good' }).check();
    await frame.getByLabel('Anything to add? (optional)').fill('Quick and kind.');
    await frame.getByRole('button', { name: 'Send rating' }).click();
    await expect
      .poll(() => frame.getByTestId('rating-thanks').textContent())
      .toContain('You rated this chat 4 of 5');

    await frame.getByRole('button', { name: 'E-mail me a transcript' }).click();
    await frame.getByLabel('Your e-mail address').fill('vera@example.test');
    await frame.getByRole('button', { name: 'Send transcript' }).click();
    await frame.getByTestId('transcript-sent').waitFor();
    expect(await seriousViolations(frame, 'body')).toEqual([]);
    await screenshot(visitor, 'customer-rated-phone');
    await smtp.waitFor(1);
    const text = smtp.received[0]?.text ?? '';
    expect(text).toContain('your order is on its way');
    expect(text).not.toMatch(/5555|4444|secret-note-marker/);
  });

  it('on a desktop the ended chat is as usable, and the old conversation stays readable', async () => {
    await visitor.setViewportSize({ width: 1280, height: 800 });
    await frame.getByTestId('message').filter({ hasText: 'your order is on its way' }).waitFor();
    expect(await seriousViolations(frame, 'body')).toEqual([]);
    await screenshot(visitor, 'customer-rated-desktop');
    // A returning visitor starts again without being asked the name.
    await frame.getByRole('button', { name: 'Start a new conversation' }).click();
    await frame.getByText('Welcome back.').waitFor();
    expect(await frame.getByLabel('Your name (optional)').count()).toBe(0);
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await frame.getByTestId('connection-status').getByText('Connected').waitFor();
  });

  it('the agent sees the rating in the console', async () => {
    await agent.goto(server.url);
    await agent.getByLabel('E-mail').fill(server.admin.email);
    await agent.getByLabel('Password').fill(server.admin.password);
    await agent.getByRole('button', { name: 'Sign in', exact: true }).click();
    await agent
      .getByTestId('list-closed')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Vera' })
      .click();
    const rating = agent.getByTestId('rating');
    await rating.waitFor();
    expect(await rating.getAttribute('data-score')).toBe('4');
    expect(await rating.textContent()).toContain('Quick and kind.');
    expect(await seriousViolations(agent, '[data-testid="conversation-view"]')).toEqual([]);
    await screenshot(agent, 'console-rating');
  });

  it('an admin sees the ratings report beside the business hours', async () => {
    await agent.goto(`${server.url}/settings/customer`);
    const report = agent.getByTestId('ratings-report');
    await report.waitFor();
    await expect.poll(() => report.textContent()).toContain('1 ratings, average 4 of 5');
    await agent.getByLabel('Time zone (IANA, e.g. Europe/Berlin)').waitFor();
    expect(await seriousViolations(agent, 'main')).toEqual([]);
    await screenshot(agent, 'console-business-hours');
  });

  it('outside business hours the widget offers to leave a message; the reply comes by e-mail and its link continues the chat', async () => {
    const closed = {
      enabled: true,
      timeZone: 'UTC',
      week: [[], [], [], [], [], [], []],
      offlineText: 'We are closed now. Leave a message and we will reply by e-mail.',
    };
    expect((await rest.request('PUT', '/api/settings/hours', closed)).status).toBe(200);
    const other = await launchBrowser();
    try {
      const page = await firstPage(other.context);
      await page.setViewportSize({ width: 390, height: 800 });
      await page.goto(`${server.url}/demo`);
      await clickLauncher(page);
      const f = await chatFrame(page);
      await f.getByTestId('offline-form').waitFor();
      expect(await f.getByTestId('availability').textContent()).toBe('We are closed right now');
      expect(await seriousViolations(f, 'body')).toEqual([]);
      await screenshot(page, 'customer-offline-form-phone');
      await f.getByLabel('Your name').fill('Olga');
      await f.getByLabel('Your e-mail address').fill('olga@example.test');
      await f.getByLabel('Your message').fill('Can I change my delivery address?');
      await f.getByRole('checkbox').check();
      await f.getByRole('button', { name: 'Send message' }).click();
      await f.getByTestId('message').filter({ hasText: 'change my delivery address' }).waitFor();

      const before = smtp.received.length;
      const { conversations } = (await (
        await rest.request('GET', '/api/conversations?status=waiting')
      ).json()) as { conversations: { id: string; visitor: { name: string | null } }[] };
      const id = conversations.find((c) => c.visitor.name === 'Olga')?.id ?? '';
      await rest.request('POST', `/api/conversations/${id}/accept`);
      await rest.request('POST', `/api/conversations/${id}/messages`, {
        clientMsgId: 'offline-reply',
        text: 'Yes, tell us the new address in the chat.',
      });
      await expect
        .poll(() => smtp.received.slice(before).find((m) => m.subject?.includes('replied')))
        .toBeTruthy();
      const mail = smtp.received.slice(before).find((m) => m.subject?.includes('replied'));
      const link = /https?:\/\/\S+#continue=\S+/.exec(mail?.text ?? '')?.[0] ?? '';
      expect(link).toContain('#continue=');

      // The customer opens the link on another device: the conversation, with the reply.
      const phone = await launchBrowser();
      try {
        const p2 = await firstPage(phone.context);
        await p2.setViewportSize({ width: 390, height: 800 });
        await p2.goto(link);
        await p2.getByTestId('message').filter({ hasText: 'tell us the new address' }).waitFor();
        expect(p2.url()).not.toContain('continue=');
        await screenshot(p2, 'customer-continued-phone');
        // Single use: the same link again does not open the conversation.
        await p2.goto('about:blank');
        await p2.goto(link);
        await p2.getByText('This link has expired or was already used').waitFor();
      } finally {
        await phone.close();
      }
    } finally {
      await other.close();
      await rest.request('PUT', '/api/settings/hours', { ...closed, enabled: false });
    }
  });
});

async function firstPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ?? (await context.newPage());
}
