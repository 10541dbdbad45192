import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
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
});
