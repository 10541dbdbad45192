import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { AgentClient } from '../apps/server/test/clients';
import { chatFrame, clickLauncher, launchBrowser } from './browser';

// Issue 15: lines the server writes appear in the visitor's language (the widget renders them
// from its catalogs by code), and the organisation's own texts in that language (branding).
describe("server-written lines and the organisation's texts in the visitor's language", () => {
  let server: TestServer;
  let admin: AgentClient;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    admin = new AgentClient(server.url);
    await admin.login(server.admin.email, server.admin.password);
    browser = await launchBrowser({ locale: 'de-DE' });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a German visitor reads the German greeting, reply time and "joined" line', async () => {
    const saved = await admin.request('PUT', '/api/settings/branding', {
      colour: '#1f4fd1',
      position: 'right',
      offsetX: 20,
      offsetY: 20,
      launcherLabel: '',
      launcherIcon: 'chat',
      texts: {
        en: { greeting: 'Hello there', replyTime: 'Replies within the hour' },
        de: { greeting: 'Guten Tag aus dem Laden' },
      },
    });
    expect(saved.status).toBe(200);

    await page.goto(`${server.url}/demo`);
    await clickLauncher(page);
    const frame = await chatFrame(page);
    await frame.getByText('Guten Tag aus dem Laden').waitFor();
    // No German reply time set: English is the fallback.
    expect(await frame.getByTestId('availability').textContent()).toBe('Replies within the hour');
    await frame.locator('#visitor-name').fill('Greta');
    await frame.getByTestId('start-form').locator('button[type="submit"]').click();
    await frame.locator('#composer-input').waitFor();

    const { conversations } = (await (
      await admin.request('GET', '/api/conversations?status=waiting')
    ).json()) as { conversations: { id: string }[] };
    const id = conversations[0]?.id ?? '';
    const sup = await server.createAgent('supervisor');
    const supClient = new AgentClient(server.url);
    await supClient.login(sup.email, sup.password);
    expect((await admin.request('POST', `/api/conversations/${id}/accept`)).status).toBe(200);
    expect((await supClient.request('POST', `/api/conversations/${id}/join`)).status).toBe(200);

    const line = frame.locator('[data-sender="system"]').filter({ hasText: 'beigetreten' });
    await line.waitFor();
    expect(await line.textContent()).toMatch(/^supervisor \d+ ist dem Gespräch beigetreten\.$/);
    // The store keeps the English line (transcripts, older clients).
    const stored = await server.server.store.messages.after(server.orgId, id, 0, 10);
    expect(stored.map((m) => m.text)).toContainEqual(
      expect.stringMatching(/ joined the conversation\.$/),
    );
  });
});
