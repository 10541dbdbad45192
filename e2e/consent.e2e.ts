import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { chatFrame, clickLauncher, launchBrowser, screenshot } from './browser';
import { seriousViolations } from './axe';

// Issue 12 item 1: an admin writes the organisation's consent notice in the console; the widget
// shows it before the first message and will not start without it; the agent sees the consent;
// the visitor withdraws it from the widget, which ends and erases the chat. Phone and desktop.
async function firstPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ?? (await context.newPage());
}

describe('pre-chat consent', () => {
  let server: TestServer;
  let adminBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let visitorBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let admin: Page;
  let visitor: Page;
  let frame: Frame;
  const NOTICE = 'We keep this chat for 30 days to answer your question, then delete it.';

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn', consentRequired: true });
    adminBrowser = await launchBrowser();
    visitorBrowser = await launchBrowser();
    admin = await firstPage(adminBrowser.context);
    visitor = await firstPage(visitorBrowser.context);
  });
  afterAll(async () => {
    await adminBrowser?.close();
    await visitorBrowser?.close();
    await server?.close();
  });

  it('an admin writes a new notice on the Privacy page, which becomes version 2', async () => {
    await admin.goto(server.url);
    await admin.getByLabel('E-mail').fill(server.admin.email);
    await admin.getByLabel('Password').fill(server.admin.password);
    await admin.getByRole('button', { name: 'Sign in', exact: true }).click();
    await admin.getByTestId('agent-name').waitFor();
    await admin.getByRole('link', { name: 'Privacy' }).click();
    await admin.getByRole('heading', { name: 'Privacy', level: 1 }).waitFor();
    const section = admin.getByTestId('consent-settings');
    await section.getByLabel('Notice (version 1)').fill(NOTICE);
    await section.getByLabel('Privacy policy link (optional)').fill('https://shop.example/privacy');
    await section.getByRole('button', { name: 'Save consent settings' }).click();
    await expect.poll(() => section.getByRole('status').textContent()).toContain('version 2');
    expect(await seriousViolations(admin, '[data-testid="privacy-settings"]')).toEqual([]);
    await admin.setViewportSize({ width: 390, height: 844 });
    expect(await seriousViolations(admin, '[data-testid="privacy-settings"]')).toEqual([]);
    await screenshot(admin, 'privacy-consent-phone');
    await admin.setViewportSize({ width: 1280, height: 900 });
  });

  it('the widget shows the notice and will not start until the visitor agrees', async () => {
    await visitor.setViewportSize({ width: 390, height: 844 });
    await visitor.goto(`${server.url}/demo`);
    await clickLauncher(visitor);
    frame = await chatFrame(visitor);
    const consent = frame.getByTestId('consent');
    await consent.getByText(NOTICE).waitFor();
    expect(await consent.getByRole('link', { name: /privacy policy/ }).getAttribute('href')).toBe(
      'https://shop.example/privacy',
    );
    await frame.getByLabel('Your name (optional)').fill('Clara');
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await frame.getByText('Please accept the privacy notice to start chatting.').waitFor();
    const box = frame.getByLabel(/I agree/);
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await box.getAttribute('aria-invalid')).toBe('true');
    expect(await seriousViolations(frame, 'body')).toEqual([]);
    await screenshot(visitor, 'consent-widget-phone');
    // Nothing was started on the server.
    expect(await server.server.store.conversations.list(server.orgId)).toEqual([]);

    await box.check();
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await frame.getByTestId('connection-status').getByText('Connected').waitFor();
    await frame.getByLabel('Message').fill('Where is my parcel?');
    await frame.getByRole('button', { name: 'Send' }).click();
    await frame
      .locator('[data-testid="message"][data-state="sent"]', { hasText: 'Where is my parcel' })
      .waitFor();
    await visitor.setViewportSize({ width: 1280, height: 900 });
    // The withdrawal control (the message thread's own structure is checked elsewhere).
    expect(await seriousViolations(frame, '.consent-withdraw')).toEqual([]);
  });

  it('the agent sees the consent and its version', async () => {
    await admin.goto(server.url);
    await admin
      .getByTestId('queue-waiting')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Clara' })
      .click();
    await expect
      .poll(() => admin.getByTestId('consent-details').textContent())
      .toMatch(/Consent given \(notice v2\)/);
  });

  it('the visitor withdraws consent: the chat ends and its messages are erased', async () => {
    const [conv] = await server.server.store.conversations.list(server.orgId);
    expect(conv).toBeDefined();
    await frame.getByRole('button', { name: 'Withdraw privacy consent' }).click();
    expect(await seriousViolations(frame, '.consent-withdraw')).toEqual([]);
    await frame.getByRole('button', { name: 'Withdraw consent' }).click();
    await frame
      .getByText('You withdrew your consent. The conversation has ended and was deleted.')
      .waitFor();
    await frame.getByTestId('start-form').waitFor();
    await screenshot(visitor, 'consent-withdrawn');
    expect(await server.server.store.messages.after(server.orgId, conv?.id ?? '', 0, 10)).toEqual(
      [],
    );
    await expect
      .poll(() => admin.getByTestId('consent-details').textContent())
      .toMatch(/Consent withdrawn/);
  });

  it('an admin sets retention and answers an erasure request, confirming what goes', async () => {
    await admin.goto(`${server.url}/settings/privacy`);
    const ret = admin.getByTestId('retention-settings');
    await ret.getByLabel('Closed conversations, days after closing').fill('30');
    await ret.getByLabel(/Audit log, days/).fill('100');
    await ret.getByRole('button', { name: 'Save retention' }).click();
    // Below the PCI DSS floor: refused in words, nothing saved.
    await ret.getByRole('alert').waitFor();
    await ret.getByLabel(/Audit log, days/).fill('400');
    await ret.getByRole('button', { name: 'Save retention' }).click();
    await expect.poll(() => ret.getByRole('status').textContent()).toContain('Saved');
    expect(await server.server.store.retention.settings(server.orgId)).toMatchObject({
      conversationDays: 30,
      auditDays: 400,
    });

    // A second visitor writes; the admin finds them by conversation id and erases.
    const v = await fetch(`${server.url}/api/visitor/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orgKey: server.orgKey, name: 'Dora' }),
    });
    const { token } = (await v.json()) as { token: string };
    const version = (await server.server.store.consent.settings(server.orgId))?.current.version;
    const c = await fetch(`${server.url}/api/visitor/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ consent: { version } }),
    });
    const { id } = (await c.json()) as { id: string };
    const req = admin.getByTestId('data-requests');
    await req.getByLabel('Find by').selectOption('conversationId');
    await req.getByLabel('Value').fill(id);
    await req.getByRole('button', { name: 'Find' }).click();
    await expect.poll(() => req.getByTestId('requests-preview').textContent()).toContain('Dora');
    expect(await seriousViolations(admin, '[data-testid="privacy-settings"]')).toEqual([]);
    await req.getByRole('button', { name: 'Erase…' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByText(/1 conversation with 0 messages/).waitFor();
    await admin.setViewportSize({ width: 390, height: 844 });
    expect(await seriousViolations(admin, 'dialog')).toEqual([]);
    await screenshot(admin, 'privacy-erase-confirm-phone');
    await dialog.getByRole('button', { name: 'Erase for good' }).click();
    await expect
      .poll(() => req.getByTestId('requests-done').textContent())
      .toContain('Erased 1 visitor');
    await admin.setViewportSize({ width: 1280, height: 900 });
    expect(
      (await server.server.store.conversations.byId(server.orgId, id))?.visitorName,
    ).toBeNull();
  });
});
