import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';

export const SCREENSHOT_DIR = 'test-results/e2e';

const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium with a fresh profile directory; close() removes it. */
export async function launchBrowser(
  opts: { ignoreHTTPSErrors?: boolean; locale?: string; args?: string[] } = {},
): Promise<{
  context: BrowserContext;
  close(): Promise<void>;
}> {
  const profile = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [...ARGS, ...(opts.args ?? [])],
    viewport: { width: 1280, height: 800 },
    ...(opts.ignoreHTTPSErrors ? { ignoreHTTPSErrors: true } : {}),
    // The browser's language (navigator.language, Accept-Language), for the widget's languages.
    ...(opts.locale ? { locale: opts.locale } : {}),
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** The chat frame inside the widget's closed shadow root (frames are reachable even when the DOM is not). */
export async function chatFrame(page: Page): Promise<Frame> {
  for (let i = 0; i < 100; i++) {
    const frame = page.frames().find((f) => f.url().includes('/frame/'));
    if (frame) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error('chat frame did not load');
}

/** Clicks the launcher: the shadow root is closed, so click the centre of its host element. */
export async function clickLauncher(page: Page): Promise<void> {
  const host = page.locator('[data-parley-widget]');
  await host.waitFor({ state: 'attached' });
  const box = await host.boundingBox();
  if (!box) throw new Error('widget host has no box');
  await page.mouse.click(box.x + box.width - 28, box.y + box.height - 28);
}

/** Opens the widget unless it is open already (it stays open across page loads, docs/widget.md). */
export async function openWidget(page: Page): Promise<void> {
  const frame = await chatFrame(page);
  if (!(await (await frame.frameElement()).isVisible())) await clickLauncher(page);
}

/**
 * Records what a page and its frames did (requests, sockets, console), to print when a test
 * fails: WebSocket frames by type and ids only (never a message text or a token).
 */
export function recordPage(page: Page): { dump(): string } {
  const t0 = Date.now();
  const lines: string[] = [];
  const log = (s: string) => {
    lines.push(`${Date.now() - t0} ms ${s}`);
    if (lines.length > 400) lines.shift();
  };
  const summary = (payload: string | Buffer) => {
    try {
      const f = JSON.parse(String(payload)) as Record<string, unknown>;
      return ['type', 'code', 'clientMsgId', 'seq', 'lastSeq', 'afterSeq']
        .filter((k) => f[k] !== undefined)
        .map((k) => `${k}=${String(f[k])}`)
        .join(' ');
    } catch {
      return '(not JSON)';
    }
  };
  page.on('console', (m) => log(`console ${m.type()} ${m.text().slice(0, 200)}`));
  page.on('websocket', (ws) => {
    log(`ws open ${ws.url()}`);
    ws.on('framesent', (f) => log(`ws > ${summary(f.payload)}`));
    ws.on('framereceived', (f) => log(`ws < ${summary(f.payload)}`));
    ws.on('close', () => log('ws closed'));
  });
  page.on('response', (r) => log(`${r.status()} ${r.request().method()} ${r.url().split('?')[0]}`));
  page.on('requestfailed', (r) => log(`failed ${r.url().split('?')[0]} ${r.failure()?.errorText}`));
  page.on('framenavigated', (f) => log(`navigated ${f.url().split('?')[0]}`));
  return { dump: () => lines.join('\n') };
}
