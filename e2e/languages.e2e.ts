import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { AgentClient } from '../apps/server/test/clients';
import { chatFrame, clickLauncher, launchBrowser, screenshot } from './browser';
import { seriousViolations } from './axe';

// Issue 15 item 7 (docs/widget.md "Languages"): every string in the widget comes from a
// catalog. In the en-XA pseudo-locale each catalog string is accented and wrapped in ⟦…⟧, so
// any text node or label without the brackets was hard-coded (or came from the server).

/** Text a visitor can see or hear that is not from a catalog: none is the bar. */
async function hardCoded(frame: Frame, data: string[]): Promise<string[]> {
  return frame.evaluate((data) => {
    const fromCatalog = (raw: string): boolean => {
      const v = raw.trim();
      return (
        v === '' ||
        /^⟦[^⟦⟧]*⟧$/.test(v) ||
        data.includes(v) ||
        // No word in it: punctuation, digits, a time ("10:42 AM" is Intl's, not a string of ours).
        !/[A-Za-z]{2,}/.test(v.replace(/\b[AP]M\b/g, ''))
      );
    };
    const found: string[] = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const text = n.textContent ?? '';
      if (!fromCatalog(text)) found.push(text.trim());
    }
    for (const el of document.querySelectorAll('*'))
      for (const attr of ['aria-label', 'placeholder', 'title', 'alt']) {
        const v = el.getAttribute(attr);
        if (v !== null && !fromCatalog(v)) found.push(`${attr}="${v}"`);
      }
    if (!fromCatalog(document.title)) found.push(`<title>${document.title}`);
    return found;
  }, data);
}

/** The organisation's own words (name, greeting, consent notice): its data, not widget strings. */
async function orgWords(frame: Frame): Promise<string[]> {
  return frame.evaluate(async () => {
    const q = new URLSearchParams(location.search);
    const r = await fetch(
      `/api/widget/config?org=${encodeURIComponent(q.get('org') ?? '')}&host=${encodeURIComponent(q.get('host') ?? '')}`,
    );
    const c = (await r.json()) as {
      orgName: string;
      greeting: string;
      consent?: { text: string };
    };
    return [c.orgName, c.greeting, ...(c.consent ? [c.consent.text] : [])];
  });
}

/** The launcher's label, read from the closed shadow root through the iframe that lives in it. */
async function launcherLabel(frame: Frame): Promise<string | null> {
  const iframe = await frame.frameElement();
  return iframe.evaluate((el) =>
    (el.getRootNode() as ShadowRoot).querySelector('.launcher')?.getAttribute('aria-label'),
  ) as Promise<string | null>;
}

async function checkBothSizes(page: Page, frame: Frame, data: string[], name: string) {
  for (const [width, label] of [
    [390, 'phone'],
    [1280, 'desktop'],
  ] as const) {
    await page.setViewportSize({ width, height: 800 });
    expect(await hardCoded(frame, data)).toEqual([]);
    expect(await seriousViolations(frame, 'body')).toEqual([]);
    await screenshot(page, `widget-pseudo-${name}-${label}`);
  }
}

describe('the widget in the visitor’s language', () => {
  let server: TestServer;
  let rest: AgentClient;

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    rest = new AgentClient(server.url);
    await rest.login(server.admin.email, server.admin.password);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('in the pseudo-locale shows no hard-coded string: start form, chat, ended chat, at 390 and 1280 px', async () => {
    const browser = await launchBrowser();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.setViewportSize({ width: 390, height: 800 });
      await page.goto(`${server.url}/demo?lang=en-XA`);
      const frame = await chatFrame(page);
      // The loader's words come from the frame: pseudo too, once the frame is up.
      await expect.poll(() => launcherLabel(frame)).toMatch(/^⟦.*⟧$/);
      await clickLauncher(page);
      await frame.getByTestId('start-form').waitFor();
      const data = await orgWords(frame);
      await checkBothSizes(page, frame, data, 'start');
      expect(await launcherLabel(frame)).toMatch(/^⟦.*⟧$/);

      await frame.locator('#visitor-name').fill('Ines');
      await frame.locator('[data-testid="start-form"] button[type="submit"]').click();
      await frame.locator('[data-testid="connection-status"].connected').waitFor();
      await frame.locator('#composer-input').fill('Where is my parcel?');
      await frame.locator('#composer-input').press('Enter');
      await frame.locator('[data-testid="message"][data-state="sent"]').waitFor();
      const { conversations } = (await (
        await rest.request('GET', '/api/conversations?status=waiting')
      ).json()) as { conversations: { id: string }[] };
      const id = conversations[0]?.id ?? '';
      await rest.request('POST', `/api/conversations/${id}/accept`);
      const reply = 'It left our warehouse today.';
      await rest.request('POST', `/api/conversations/${id}/messages`, {
        clientMsgId: 'pseudo-1',
        text: reply,
      });
      await frame.getByTestId('message').filter({ hasText: reply }).waitFor();
      const agentName = (await frame.locator('.msg.theirs .who').first().textContent()) ?? '';
      const chatData = [...data, 'Where is my parcel?', reply, agentName];
      // The server's own system lines (joined, left) are server text, checked on the server side.
      const system = await frame.locator('.msg.system:not(.greeting)').allTextContents();
      await checkBothSizes(page, frame, [...chatData, ...system.map((s) => s.trim())], 'chat');

      await rest.request('POST', `/api/conversations/${id}/close`);
      await frame.getByTestId('end-of-chat').waitFor();
      await frame.locator('input[name="score"]').nth(3).check();
      const after = await frame.locator('.msg.system:not(.greeting)').allTextContents();
      await checkBothSizes(page, frame, [...chatData, ...after.map((s) => s.trim())], 'ended');
    } finally {
      await browser.close();
    }
  });

  it('follows the browser’s language, and the website’s data-lang over it', async () => {
    const browser = await launchBrowser({ locale: 'de-DE' });
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.goto(`${server.url}/demo`);
      let frame = await chatFrame(page);
      await expect.poll(() => launcherLabel(frame)).toBe('Chat öffnen');
      expect(await (await frame.frameElement()).getAttribute('title')).toBe('Live-Chat');
      await clickLauncher(page);
      await frame.getByRole('button', { name: 'Chat beginnen' }).waitFor();
      expect(await frame.evaluate(() => document.documentElement.lang)).toBe('de');
      expect(await launcherLabel(frame)).toBe('Chat schließen');
      expect(await seriousViolations(frame, 'body')).toEqual([]);

      await page.goto(`${server.url}/demo?lang=fr`);
      frame = await chatFrame(page);
      await frame.getByRole('button', { name: 'Commencer le chat' }).waitFor();
      expect(await frame.evaluate(() => document.documentElement.lang)).toBe('fr');
      await screenshot(page, 'widget-fr-open');
    } finally {
      await browser.close();
    }
  });
});
