import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page, WebSocketRoute } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { chatFrame, clickLauncher, launchBrowser, screenshot } from './browser';

// Issue 11 item 7: the widget and the console say "Offline…" as soon as the
// browser goes offline (the `offline` event, not the 50 s ping timeout), and
// "Reconnecting in N s…" with a countdown when a connection dropped. A message
// typed meanwhile stays pending and arrives once when the network is back.
const OFFLINE_BOUND_MS = 2000;

describe('honest connection status (browser)', () => {
  let server: TestServer;
  let visitorBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let agentBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let visitor: Page;
  let agent: Page;
  let frame: Frame;
  // A pass-through proxy for the visitor's socket that can cut it and refuse new ones.
  let routes: WebSocketRoute[] = [];
  let refuse = false;

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    visitorBrowser = await launchBrowser();
    agentBrowser = await launchBrowser();
    visitor = visitorBrowser.context.pages()[0] ?? (await visitorBrowser.context.newPage());
    agent = agentBrowser.context.pages()[0] ?? (await agentBrowser.context.newPage());
    await visitor.routeWebSocket(/\/ws\/visitor/, (ws) => {
      if (refuse) return void ws.close({ code: 1011, reason: 'refused' });
      const upstream = ws.connectToServer();
      routes.push(ws);
      upstream.onMessage((m) => ws.send(m));
      ws.onMessage((m) => upstream.send(m));
      ws.onClose(() => void upstream.close());
      upstream.onClose(() => void ws.close());
    });
  });

  afterAll(async () => {
    await visitorBrowser?.close();
    await agentBrowser?.close();
    await server?.close();
  });

  const status = (target: Page | Frame) => target.getByTestId('connection-status');

  /** Takes the page's network away and measures until the status says so. */
  async function timeToOffline(target: Page | Frame, page: Page): Promise<number> {
    const started = Date.now();
    await page.context().setOffline(true);
    await status(target).getByText('Offline…').waitFor({ timeout: 10_000 });
    return Date.now() - started;
  }

  it('the widget shows "Offline…" at once, keeps a message pending and sends it once on return', async () => {
    await visitor.goto(`${server.url}/demo`);
    await clickLauncher(visitor);
    frame = await chatFrame(visitor);
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await status(frame).getByText('Connected').waitFor();

    const ms = await timeToOffline(frame, visitor);
    console.log(`widget: "Offline…" ${ms} ms after the network went away`);
    expect(ms).toBeLessThan(OFFLINE_BOUND_MS);
    await screenshot(visitor, 'widget-offline');

    await frame.getByLabel('Message').fill('Typed while offline');
    await frame.getByLabel('Message').press('Enter');
    await frame
      .locator('[data-testid="message"][data-state="pending"]', { hasText: 'Typed while offline' })
      .waitFor();

    await visitor.context().setOffline(false);
    await status(frame).getByText('Connected').waitFor({ timeout: 5000 });
    await frame
      .locator('[data-testid="message"][data-state="sent"]', { hasText: 'Typed while offline' })
      .waitFor();
    await expect
      .poll(() => frame.getByTestId('message').filter({ hasText: 'Typed while offline' }).count())
      .toBe(1);
  });

  it('the widget counts down to the next try when the connection drops', async () => {
    refuse = true;
    const open = routes;
    routes = [];
    await Promise.all(open.map((r) => r.close({ code: 4000, reason: 'cut' })));
    const line = status(frame).getByText(/^Reconnecting in \d+ s…$/);
    await line.waitFor({ timeout: 5000 });
    // Refused again and again: the delays grow, and the figure counts down to each try.
    await expect
      .poll(async () => Number(/(\d+) s/.exec((await line.textContent()) ?? '')?.[1] ?? 0), {
        timeout: 15_000,
      })
      .toBeGreaterThanOrEqual(2);
    const first = Number(/(\d+) s/.exec((await line.textContent()) ?? '')?.[1]);
    await expect
      .poll(async () => Number(/(\d+) s/.exec((await line.textContent()) ?? '')?.[1] ?? -1))
      .toBeLessThan(first);
    refuse = false;
    await status(frame).getByText('Connected').waitFor({ timeout: 20_000 });
  });

  it('the console header shows "Offline…" at once and "Live" again after', async () => {
    await agent.goto(server.url);
    await agent.getByLabel('E-mail').fill(server.admin.email);
    await agent.getByLabel('Password').fill(server.admin.password);
    await agent.getByRole('button', { name: 'Sign in', exact: true }).click();
    await status(agent).getByText('Live').waitFor();
    const ms = await timeToOffline(agent, agent);
    console.log(`console: "Offline…" ${ms} ms after the network went away`);
    expect(ms).toBeLessThan(OFFLINE_BOUND_MS);
    await screenshot(agent, 'console-offline');
    await agent.context().setOffline(false);
    await status(agent).getByText('Live').waitFor({ timeout: 5000 });
  });
});
