import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, JSHandle, Page, Route } from 'playwright-core';
import { startClamd, EICAR, type TestClamd } from '../apps/server/test/clamd';
import { textPng } from '../apps/server/test/files-kit';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { chatFrame, clickLauncher, launchBrowser, screenshot } from './browser';

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface AxeResult {
  violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
}

/** axe-core on the files UI only (attach control and file cards), serious and critical findings. */
async function axeFiles(target: Page | Frame): Promise<AxeResult['violations']> {
  await target.evaluate(axeSource);
  const result = await target.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<AxeResult> } }
    ).axe;
    return axe.run(
      { include: [['[data-testid="file-card"]'], ['.attach'], ['.attach-bar']] },
      // Messages are <li> in an <ol role="log"> across the chat (not only files): listitem is the
      // thread's structure, reported elsewhere, not the files UI's.
      { resultTypes: ['violations'], rules: { listitem: { enabled: false } } },
    );
  });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

interface Dropped {
  name: string;
  type: string;
  data: Buffer;
}

/** A DataTransfer holding real File objects, as a drag from the desktop or a copied file carries. */
function transfer(target: Page | Frame, files: Dropped[]): Promise<JSHandle<DataTransfer>> {
  return target.evaluateHandle(
    (list) => {
      const dt = new DataTransfer();
      for (const f of list)
        dt.items.add(
          new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, {
            type: f.type,
          }),
        );
      return dt;
    },
    files.map((f) => ({ name: f.name, type: f.type, b64: f.data.toString('base64') })),
  );
}

async function drop(target: Page | Frame, selector: string, files: Dropped[]): Promise<void> {
  const dataTransfer = await transfer(target, files);
  await target.dispatchEvent(selector, 'dragover', { dataTransfer });
  await target.dispatchEvent(selector, 'drop', { dataTransfer });
}

async function paste(target: Page | Frame, selector: string, files: Dropped[]): Promise<void> {
  const dt = await transfer(target, files);
  await target.locator(selector).evaluate((el, clipboardData) => {
    el.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }),
    );
  }, dt);
}

const text = (name: string, body: string): Dropped => ({
  name,
  type: 'text/plain',
  data: Buffer.from(body),
});
const card = (target: Page | Frame, name: string, status = 'available') =>
  target
    .locator(`[data-testid="file-card"][data-status="${status}"]`)
    .filter({ hasText: name })
    .first();

// A visitor attaches an image and EICAR in the widget; the agent sees the thumbnail and the block.
describe('files in the chat (browser)', () => {
  let clamd: TestClamd;
  let server: TestServer;
  let visitorBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let agentBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let visitor: Page;
  let agent: Page;
  let frame: Frame;

  beforeAll(async () => {
    clamd = await startClamd();
    server = await startTestServer({
      logLevel: 'warn',
      env: { PARLEY_CLAMD_SOCKET: clamd.socket },
    });
    visitorBrowser = await launchBrowser();
    agentBrowser = await launchBrowser();
    visitor = visitorBrowser.context.pages()[0] ?? (await visitorBrowser.context.newPage());
    agent = agentBrowser.context.pages()[0] ?? (await agentBrowser.context.newPage());
  }, 120_000);

  afterAll(async () => {
    await visitorBrowser?.close();
    await agentBrowser?.close();
    await server?.close();
    await clamd?.close();
  });

  it('a visitor on a phone attaches an image and EICAR; the image arrives, EICAR is blocked', async () => {
    await visitor.setViewportSize({ width: 390, height: 780 });
    await visitor.goto(`${server.url}/demo`);
    await clickLauncher(visitor);
    frame = await chatFrame(visitor);
    await frame.getByLabel('Your name (optional)').fill('Vera');
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await frame.getByTestId('connection-status').getByText('Connected').waitFor();
    await frame.getByTestId('attach-input').setInputFiles([
      { name: 'parcel.png', mimeType: 'image/png', buffer: await textPng('Parcel arrived broken') },
      { name: 'invoice.txt', mimeType: 'text/plain', buffer: EICAR },
    ]);
    await frame
      .locator('[data-testid="file-card"][data-status="available"]')
      .waitFor({ timeout: 30_000 });
    await frame.getByTestId('file-thumb').waitFor();
    const blocked = frame.getByTestId('file-blocked');
    await blocked.waitFor({ timeout: 30_000 });
    expect(await blocked.textContent()).toMatch(/this file was blocked/i);
    await screenshot(visitor, 'visitor-files');
    expect(await axeFiles(frame)).toEqual([]);
  }, 120_000);

  it('the agent sees the thumbnail, opens it full size, and sees the block with the signature name', async () => {
    await agent.setViewportSize({ width: 1280, height: 900 });
    await agent.goto(server.url);
    await agent.getByLabel('E-mail').fill(server.admin.email);
    await agent.getByLabel('Password').fill(server.admin.password);
    await agent.getByRole('button', { name: 'Sign in', exact: true }).click();
    await agent
      .getByTestId('queue-waiting')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Vera' })
      .click();
    const view = agent.getByTestId('conversation-view');
    const thumb = view.getByTestId('file-thumb');
    await thumb.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0);
    const blocked = view.getByTestId('file-blocked');
    await blocked.waitFor();
    expect(await blocked.textContent()).toContain('Parley.Test.EICAR.UNOFFICIAL');
    await view.getByRole('button', { name: /Open parcel\.png full size/ }).click();
    await agent.locator('dialog.file-lightbox img').waitFor();
    await screenshot(agent, 'console-files');
    await agent.locator('dialog.file-lightbox').getByRole('button', { name: 'Close' }).click();
    await agent.getByRole('button', { name: 'Accept' }).click();
    await view.locator('.attach-bar').waitFor();
    expect(await axeFiles(agent)).toEqual([]);
  }, 120_000);
  it('the visitor on a desktop (1280 px) drops and pastes files and opens an image full size', async () => {
    await visitor.setViewportSize({ width: 1280, height: 900 });
    await drop(frame, '.chat', [
      { name: 'dropped.png', type: 'image/png', data: await textPng('Dropped label') },
    ]);
    await paste(frame, '.chat textarea', [
      text('pasted-note.txt', 'the parcel number is on the box\n'),
    ]);
    await card(frame, 'pasted-note.txt').waitFor({ timeout: 30_000 });
    await card(frame, 'dropped.png').waitFor({ timeout: 30_000 });
    await frame.getByRole('button', { name: 'Open dropped.png full size' }).click();
    const full = frame.locator('.file-full img');
    await full.waitFor();
    await expect
      .poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0);
    await screenshot(visitor, 'visitor-files-desktop');
    expect(await axeFiles(frame)).toEqual([]);
    await frame.locator('.file-full').getByRole('button', { name: 'Close' }).click();
  }, 120_000);

  it('the agent on a phone (390 px) drops and pastes; a dropped connection is retried under the same client id and stored once; Cancel stops an upload', async () => {
    await agent.setViewportSize({ width: 390, height: 844 });
    const view = agent.getByTestId('conversation-view');
    await view.locator('.attach-bar').waitFor();
    await drop(agent, '[data-testid="conversation-view"]', [text('agent-drop.txt', 'label A\n')]);
    await paste(agent, '[data-testid="conversation-view"] textarea', [
      { name: 'agent-paste.png', type: 'image/png', data: await textPng('Return label') },
    ]);
    await card(agent, 'agent-drop.txt').waitFor({ timeout: 30_000 });
    await card(agent, 'agent-paste.png').waitFor({ timeout: 30_000 });

    // The network drops after the server stored the file and before its answer arrived.
    const puts: string[] = [];
    let dropped = false;
    const flaky = async (route: Route) => {
      if (route.request().method() !== 'PUT') return route.continue();
      puts.push(new URL(route.request().url()).pathname);
      if (dropped) return route.continue();
      dropped = true;
      await route.fetch();
      await route.abort('connectionreset');
    };
    await agent.route('**/api/conversations/*/files/*', flaky);
    await view
      .getByTestId('attach-input')
      .setInputFiles([
        { name: 'retried.txt', mimeType: 'text/plain', buffer: Buffer.from('label B\n') },
      ]);
    // The card shows as soon as the first attempt is stored; the upload itself retries after 1 s.
    await card(agent, 'retried.txt').waitFor({ timeout: 30_000 });
    await expect.poll(() => puts.length, { timeout: 15_000 }).toBe(2);
    await view
      .getByTestId('upload')
      .filter({ hasText: 'retried.txt' })
      .waitFor({ state: 'detached', timeout: 15_000 });
    await agent.unroute('**/api/conversations/*/files/*', flaky);
    expect(puts[1]).toBe(puts[0]);
    const rows = (name: string) =>
      server.server.store.db
        .selectFrom('files')
        .select('id')
        .where('org_id', '=', server.orgId)
        .where('name', '=', name)
        .execute();
    expect(await rows('retried.txt')).toHaveLength(1);

    // Cancel: the upload is held on the wire, then cancelled; nothing is stored.
    let held: Route | undefined;
    const hold = async (route: Route) => {
      if (route.request().method() !== 'PUT') return route.continue();
      held = route;
    };
    await agent.route('**/api/conversations/*/files/*', hold);
    await view
      .getByTestId('attach-input')
      .setInputFiles([
        { name: 'cancel-me.txt', mimeType: 'text/plain', buffer: Buffer.from('never sent\n') },
      ]);
    const pending = view.getByTestId('upload').filter({ hasText: 'cancel-me.txt' });
    await expect.poll(() => held !== undefined).toBe(true);
    await pending.getByRole('button', { name: 'Cancel' }).click();
    await pending.waitFor({ state: 'detached' });
    await held?.abort().catch(() => undefined);
    await agent.unroute('**/api/conversations/*/files/*', hold);
    expect(await rows('cancel-me.txt')).toEqual([]);
    expect(
      await view.locator('[data-testid="file-card"]').filter({ hasText: 'cancel-me.txt' }).count(),
    ).toBe(0);

    await screenshot(agent, 'console-files-phone');
    expect(await axeFiles(agent)).toEqual([]);
  }, 120_000);
});
