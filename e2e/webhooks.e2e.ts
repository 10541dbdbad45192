import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { verifyRequest } from '@parley/signing';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { newVisitor } from '../apps/server/test/clients';
import { launchBrowser, screenshot } from './browser';
import { seriousViolations } from './axe';

// An admin adds a webhook endpoint in the console, copies its secret once, sees a chat event
// arrive signed at the receiver and in the delivery log, sends a test event, and deletes the
// endpoint; at desktop and phone widths.
describe('webhooks (browser)', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let hook: Server;
  let hookUrl = '';
  const got: Array<{ path: string; raw: string; headers: Record<string, unknown> }> = [];

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => {
        got.push({ path: req.url ?? '', raw, headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/parley`;
    server = await startTestServer({
      logLevel: 'warn',
      env: { PARLEY_WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32' },
    });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(server.url);
    await page.getByLabel('E-mail').fill(server.admin.email);
    await page.getByLabel('Password').fill(server.admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('connection-status').getByText('Live').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise<void>((r) => (hook ? hook.close(() => r()) : r()));
  });

  it('adds an endpoint whose secret is shown once and which receives signed chat events', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByTestId('webhooks').waitFor();
    await page.getByText('No endpoints yet.').waitFor();
    await page.getByLabel('Address (https://…)').fill(hookUrl);
    await page.getByLabel('A conversation starts').check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const shown = page.getByTestId('webhook-secret').locator('code');
    await shown.waitFor();
    const secret = (await shown.textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    expect(await seriousViolations(page, '[data-testid="webhooks"]')).toEqual([]);

    const v = await newVisitor(server.url, server.orgKey, 'Wanda');
    await expect.poll(() => got.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    const post = got[0]!;
    const body = JSON.parse(post.raw) as { type: string; data: { conversation: { id: string } } };
    expect(body.type).toBe('conversation.started');
    expect(body.data.conversation.id).toBe(v.conversationId);
    expect(
      verifyRequest({
        secret,
        method: 'POST',
        path: post.path,
        body: post.raw,
        headers: post.headers as Record<string, string>,
      }),
    ).toMatchObject({ ok: true });

    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Deliveries' }).click();
    await page.getByTestId('delivery-row').filter({ hasText: 'delivered' }).waitFor();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect
      .poll(() => got.some((p) => p.raw.includes('"ping"')), { timeout: 20_000 })
      .toBe(true);
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await seriousViolations(page, '[data-testid="webhooks"]')).toEqual([]);
    await screenshot(page, 'webhooks-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.reload();
    await page.getByTestId('webhook-row').waitFor();
    expect(await page.content()).not.toContain(secret);
  });

  it('refuses an internal address with a clear message, and deletes an endpoint after a confirmation', async () => {
    await page.getByLabel('Address (https://…)').fill('http://169.254.169.254/latest');
    await page.getByLabel('A conversation is closed').check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByTestId('webhook-error').waitFor();
    expect(await page.getByTestId('webhook-error').textContent()).toMatch(
      /internal|loopback|private/i,
    );
    await page.getByRole('button', { name: `Delete ${hookUrl}` }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No endpoints yet.').waitFor();
  });
});
