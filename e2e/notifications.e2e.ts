import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { newVisitor, visitorSocket, type TestSocket } from '../apps/server/test/clients';
import { launchBrowser, screenshot } from './browser';
import { seriousViolations } from './axe';

// Issue 14 item 7: an agent turns on desktop notifications, is alerted of a waiting chat and
// of new messages in their own chat (sound and Notification API), sees unread counts and the
// tab title, and finds the counts again after a reload; reading is stored.
describe('desk notifications and unread counts (browser)', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let vera: { token: string; conversationId: string; ws: TestSocket };

  // Records what the page shows through the browser's own Notification and Web Audio objects.
  const recorder = () => {
    const w = window as unknown as { shown: { title: string; body: string }[]; tones: number };
    w.shown = [];
    w.tones = 0;
    const Real = window.Notification;
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        w.shown.push({ title, body: options?.body ?? '' });
      }
    }
    Object.defineProperty(window, 'Notification', { value: Recorded });
    const osc = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      w.tones += 1;
      return osc.call(this);
    };
  };
  const shown = () =>
    page.evaluate(() => (window as unknown as { shown: { title: string; body: string }[] }).shown);
  const tones = () => page.evaluate(() => (window as unknown as { tones: number }).tones);
  const item = (name: string) =>
    page.getByTestId('conversation-item').filter({ hasText: name }).first();

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    browser = await launchBrowser();
    await browser.context.grantPermissions(['notifications'], { origin: server.url });
    await browser.context.addInitScript(recorder);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  }, 120_000);

  afterAll(async () => {
    vera?.ws.close();
    await browser?.close();
    await server?.close();
  });

  it('an agent chooses desktop notifications on their profile', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(server.url);
    await page.getByLabel('E-mail').fill(server.admin.email);
    await page.getByLabel('Password').fill(server.admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('agent-name').click();
    const section = page.getByTestId('notification-settings');
    for (const legend of ['A new chat is waiting', 'A new message in one of my chats'])
      await section.getByRole('group', { name: legend }).getByLabel('Desktop notification').check();
    await section.getByRole('button', { name: 'Save notifications' }).click();
    await section.getByTestId('notify-status').getByText('were saved').waitFor();
    expect(await seriousViolations(page, '[data-testid="notification-settings"]')).toEqual([]);
    await page.setViewportSize({ width: 390, height: 800 });
    await screenshot(page, 'console-notifications-phone');
    expect(await seriousViolations(page, '[data-testid="notification-settings"]')).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: 'Back to the console' }).click();
    await page.getByTestId('connection-status').getByText('Live').waitFor();
  });

  it('alerts a waiting chat and new messages, counts unread, and keeps counts over a reload', async () => {
    const v = await newVisitor(server.url, server.orgKey, 'Vera');
    vera = { ...v, ws: await visitorSocket(server.url, v.token) };
    await vera.ws.resume(v.conversationId);
    await expect.poll(shown).toContainEqual({
      title: 'New chat waiting',
      body: 'Vera is waiting for an answer.',
    });
    await expect.poll(() => page.title()).toBe('(1 waiting) Parley console');
    await item('Vera').click();
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByTestId('reply-receiver').filter({ hasText: 'Vera' }).waitFor();

    // Another chat is on screen: Vera's messages are unread and alerted.
    await newVisitor(server.url, server.orgKey, 'Omar');
    await item('Omar').click();
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByTestId('reply-receiver').filter({ hasText: 'Omar' }).waitFor();
    const before = await tones();
    for (const [i, text] of ['Are you there?', 'Still waiting for my parcel'].entries()) {
      vera.ws.send({ type: 'send', clientMsgId: `v${i}`, conversationId: v.conversationId, text });
      await vera.ws.next('ack', (f) => f.clientMsgId === `v${i}`);
    }
    await expect.poll(() => item('Vera').getByLabel('2 unread').count()).toBe(1);
    await expect.poll(() => page.title()).toBe('(2 unread) Parley console');
    const alerts = (await shown()).filter((n) => n.title === 'New message from Vera');
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(alerts)).not.toContain('parcel');
    expect(await tones()).toBeGreaterThan(before);
    await screenshot(page, 'console-unread');
    expect(await seriousViolations(page, '[data-testid="conversation-view"]')).toEqual([]);

    // Stored per agent: a reload shows the same count, with no alert for old messages.
    await page.reload();
    await expect.poll(() => item('Vera').getByLabel('2 unread').count()).toBe(1);
    await expect.poll(() => page.title()).toBe('(2 unread) Parley console');
    expect(await shown()).toEqual([]);

    // Reading it stores the mark: after another reload nothing is unread.
    await item('Vera').click();
    await page.getByText('Still waiting for my parcel').waitFor();
    await expect.poll(() => page.title()).toBe('Parley console');
    await item('Omar').click();
    await page.reload();
    await page.getByTestId('connection-status').getByText('Live').waitFor();
    await item('Vera').waitFor();
    await expect
      .poll(async () => {
        const r = await page.request.get(`${server.url}/api/desk/unread`);
        return ((await r.json()) as { unread: unknown[] }).unread;
      })
      .toEqual([]);
    expect(await item('Vera').locator('.unread').count()).toBe(0);
    expect(await page.title()).toBe('Parley console');
  });
});
