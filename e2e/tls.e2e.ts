import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { makeCert } from '../apps/server/test/tls-cert';
import { chatFrame, clickLauncher, launchBrowser, screenshot } from './browser';

// Issue 17 item 1: Parley serving HTTPS itself, the chat over wss:// in Chromium,
// the console's session cookie __Host- prefixed and Secure.
describe('the chat over HTTPS and WSS in the browser', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-tls-e2e-'));
  let server: TestServer;
  let visitorBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let agentBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let visitor: Page;
  let agent: Page;
  const sockets: string[] = [];

  beforeAll(async () => {
    const cert = makeCert(dir, 'e2e');
    server = await startTestServer({
      logLevel: 'warn',
      env: { PARLEY_TLS_CERT: cert.cert, PARLEY_TLS_KEY: cert.key },
    });
    // The certificate is self-signed: the browser is told to accept it, nothing else changes.
    visitorBrowser = await launchBrowser({ ignoreHTTPSErrors: true });
    agentBrowser = await launchBrowser({ ignoreHTTPSErrors: true });
    visitor = visitorBrowser.context.pages()[0] ?? (await visitorBrowser.context.newPage());
    agent = agentBrowser.context.pages()[0] ?? (await agentBrowser.context.newPage());
    visitor.on('websocket', (ws) => sockets.push(ws.url()));
    agent.on('websocket', (ws) => sockets.push(ws.url()));
  });

  afterAll(async () => {
    await visitorBrowser?.close();
    await agentBrowser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a visitor writes over wss:// and an agent signed in over https:// reads it', async () => {
    expect(server.url).toMatch(/^https:/);
    await visitor.goto(`${server.url}/demo`);
    await clickLauncher(visitor);
    const frame = await chatFrame(visitor);
    await frame.getByLabel('Your name (optional)').fill('Tessa');
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await frame.getByTestId('connection-status').getByText('Connected').waitFor();
    await frame.getByLabel('Message').fill('Hello over TLS');
    await frame.getByRole('button', { name: 'Send' }).click();
    await frame
      .locator('[data-testid="message"][data-state="sent"]', { hasText: 'Hello over TLS' })
      .waitFor();

    await agent.goto(server.url);
    await agent.getByLabel('E-mail').fill(server.admin.email);
    await agent.getByLabel('Password').fill(server.admin.password);
    await agent.getByRole('button', { name: 'Sign in', exact: true }).click();
    await agent
      .getByTestId('queue-waiting')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Tessa' })
      .click();
    await agent
      .getByTestId('conversation-view')
      .getByTestId('message')
      .filter({ hasText: 'Hello over TLS' })
      .waitFor();
    await screenshot(agent, 'tls-agent-reads');

    expect(sockets.length).toBeGreaterThanOrEqual(2);
    for (const url of sockets) expect(url).toMatch(/^wss:\/\/localhost:\d+\/ws\/(visitor|agent)/);
    const cookies = await agentBrowser.context.cookies(server.url);
    const session = cookies.find((c) => c.name.startsWith('__Host-'));
    expect(session?.secure).toBe(true);
    expect(session?.httpOnly).toBe(true);
  });
});
