import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { newVisitor, visitorSocket, type TestSocket } from '../apps/server/test/clients';
import { launchBrowser, screenshot } from './browser';

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface AxeResult {
  violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
}

/** axe-core on one part of the page, serious and critical findings. */
async function axe(page: Page, selector: string): Promise<AxeResult['violations']> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async (sel) => {
    const run = (
      window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<AxeResult> } }
    ).axe;
    return run.run(
      { include: [[sel]] },
      // The thread's <li> in an <ol role="log"> is its structure (as in files.e2e.ts).
      { resultTypes: ['violations'], rules: { listitem: { enabled: false } } },
    );
  }, selector);
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

// An admin adds a canned reply; an agent accepts a visitor, writes an internal note the
// visitor never receives, and answers with /refund, at desktop and phone widths.
describe("the agent's desk (browser)", () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let agent: Page;
  let visitor: { token: string; conversationId: string };
  let vs: TestSocket;

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    browser = await launchBrowser();
    agent = browser.context.pages()[0] ?? (await browser.context.newPage());
    visitor = await newVisitor(server.url, server.orgKey, 'Vera');
    vs = await visitorSocket(server.url, visitor.token);
    await vs.resume(visitor.conversationId);
  }, 120_000);

  afterAll(async () => {
    vs?.close();
    await browser?.close();
    await server?.close();
  });

  it('an admin adds a canned reply on its settings page', async () => {
    await agent.setViewportSize({ width: 1280, height: 900 });
    await agent.goto(server.url);
    await agent.getByLabel('E-mail').fill(server.admin.email);
    await agent.getByLabel('Password').fill(server.admin.password);
    await agent.getByRole('button', { name: 'Sign in', exact: true }).click();
    await agent.getByRole('link', { name: 'Canned replies' }).click();
    await agent.getByTestId('canned-settings').waitFor();
    await agent.getByLabel('Shortcut (typed after a slash, for example refund)').fill('/refund');
    await agent.getByLabel('Title').fill('Refund on its way');
    await agent
      .getByLabel('Text')
      .fill(
        'Hi {{visitor.name}}, {{agent.name}} from {{organisation.name}}: your refund is on its way.',
      );
    await agent.getByRole('button', { name: 'Add reply' }).click();
    await agent.getByTestId('canned-status').getByText('Saved /refund.').waitFor();
    await agent.getByTestId('canned-list').getByText('/refund').waitFor();
    expect(await axe(agent, '[data-testid="canned-settings"]')).toEqual([]);
    await agent.setViewportSize({ width: 390, height: 800 });
    expect(await axe(agent, '[data-testid="canned-settings"]')).toEqual([]);
    await agent.setViewportSize({ width: 1280, height: 900 });
  });

  it('an agent writes a note the visitor never receives, then answers with /refund', async () => {
    await agent.getByRole('link', { name: 'Back to conversations' }).click();
    await agent
      .getByTestId('queue-waiting')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Vera' })
      .click();
    const view = agent.getByTestId('conversation-view');
    await agent.getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => view.getByTestId('conversation-status').textContent()).toBe('active');

    await view.getByRole('button', { name: 'Add internal note' }).click();
    await view
      .getByLabel('Internal note — only agents see it, never the visitor')
      .fill('VIP customer, refund approved by Sam (desk-note-marker)');
    await view.getByRole('button', { name: 'Add note' }).click();
    const note = view.getByTestId('note').filter({ hasText: 'desk-note-marker' });
    await note.waitFor();
    expect(await note.textContent()).toContain('Internal note');

    const reply = agent.getByLabel('Reply');
    await reply.pressSequentially('/ref');
    await agent.getByRole('option', { name: /\/refund/ }).waitFor();
    await reply.press('Enter');
    await expect
      .poll(() => reply.inputValue())
      .toBe('Hi Vera, Admin from Demo Shop: your refund is on its way.');
    await screenshot(agent, 'console-desk');
    expect(await axe(agent, '[data-testid="conversation-view"]')).toEqual([]);
    await reply.press('Enter');
    const got = await vs.next('message', (f) => f.text.includes('your refund is on its way'));
    expect(got.sender.kind).toBe('agent');
    // The visitor's socket carried the reply and never the note.
    expect(JSON.stringify(vs.frames)).not.toContain('desk-note-marker');

    // A reload brings the note back from the store.
    await agent.reload();
    await agent
      .getByTestId('list-mine')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Vera' })
      .click();
    await view.getByTestId('note').filter({ hasText: 'desk-note-marker' }).waitFor();

    await agent.setViewportSize({ width: 390, height: 800 });
    await view.getByRole('button', { name: 'Canned replies' }).click();
    await agent.getByLabel('Search canned replies').fill('refund');
    await agent
      .getByTestId('canned-picker')
      .getByRole('button', { name: /\/refund/ })
      .waitFor();
    await screenshot(agent, 'console-desk-phone');
    expect(await axe(agent, '[data-testid="conversation-view"]')).toEqual([]);
  });

  it('a reply written while the live connection is down survives a reload and is sent once', async () => {
    await agent.setViewportSize({ width: 1280, height: 900 });
    // The agent's socket goes nowhere: the reply stays pending in the outbox.
    let offline = true;
    await agent.routeWebSocket('**/ws/agent', (ws) => {
      if (!offline) ws.connectToServer();
    });
    await agent.reload();
    await agent
      .getByTestId('list-mine')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Vera' })
      .click();
    await agent.getByLabel('Reply').fill('Written offline (outbox-marker)');
    await agent.getByLabel('Reply').press('Enter');
    const view = agent.getByTestId('conversation-view');
    await view.locator('[data-state="pending"]', { hasText: 'outbox-marker' }).waitFor();
    offline = false;
    await agent.reload();
    const got = await vs.next('message', (f) => f.text.includes('outbox-marker'), 15_000);
    expect(got.sender.kind).toBe('agent');
    await agent
      .getByTestId('list-mine')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Vera' })
      .click();
    await view
      .locator('[data-testid="message"][data-sender="agent"]:not([data-state])', {
        hasText: 'outbox-marker',
      })
      .waitFor();
    // Once more: the outbox is empty, nothing is sent again.
    await agent.reload();
    await agent.getByTestId('connection-status').getByText('Live').waitFor();
    await agent
      .getByTestId('list-mine')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Vera' })
      .click();
    await view.getByTestId('note').first().waitFor();
    expect(vs.messages().filter((m) => m.text.includes('outbox-marker'))).toHaveLength(1);
  });
});
