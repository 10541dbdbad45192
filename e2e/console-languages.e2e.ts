import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { requestPayment, startServerWithVault } from '../apps/server/test/payment-flow';
import { AgentClient, newVisitor } from '../apps/server/test/clients';
import { launchBrowser, screenshot } from './browser';
import { seriousViolations } from './axe';

// Issue 15 item 7 for the console (docs/console.md "Languages"): in the en-XA pseudo-locale
// every catalog string is accented and wrapped in ⟦…⟧, so a visible text node or label without
// the brackets is hard-coded. Data (names, e-mails, message text, amounts, times) is allowed.

/** Text an agent can see or hear that is not from a catalog: none is the bar. */
async function hardCoded(page: Page, data: string[]): Promise<string[]> {
  return page.evaluate((data) => {
    const fromCatalog = (raw: string): boolean => {
      const v = raw.trim();
      return (
        v === '' ||
        /^⟦[^⟦⟧]*⟧$/.test(v) ||
        data.some((d) => v === d || v.replace(/[·•\s]/g, '') === d.replace(/[·•\s]/g, '')) ||
        // An ISO currency code (EUR) is data, as the amount is.
        /^[A-Z]{3}$/.test(v) ||
        // No word in it: punctuation, digits, an amount, a time ("10:42 AM" is Intl's).
        !/[A-Za-z]{2,}/.test(v.replace(/\b[AP]M\b/g, ''))
      );
    };
    // A language named in itself (the language picker's autonyms) is marked with its own lang.
    const ownLanguage = (el: Element | null) => el?.closest('[lang]:not(html)') != null;
    const visible = (el: Element | null) => {
      if (!el) return false;
      const s = getComputedStyle(el);
      return s.display !== 'none' && s.visibility !== 'hidden' && !el.closest('[hidden]');
    };
    const found: string[] = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const el = n.parentElement;
      if (!visible(el) || ownLanguage(el) || el?.closest('script,style')) continue;
      const text = n.textContent ?? '';
      if (!fromCatalog(text)) found.push(text.trim());
    }
    for (const el of document.querySelectorAll('*'))
      for (const attr of ['aria-label', 'placeholder', 'title', 'alt']) {
        const v = el.getAttribute(attr);
        if (v !== null && !ownLanguage(el) && !fromCatalog(v)) found.push(`${attr}="${v}"`);
      }
    if (!fromCatalog(document.title)) found.push(`<title>${document.title}`);
    return found;
  }, data);
}

async function checkBothSizes(page: Page, data: string[], name: string): Promise<void> {
  for (const [width, label] of [
    [390, 'phone'],
    [1280, 'desktop'],
  ] as const) {
    await page.setViewportSize({ width, height: 800 });
    expect(await hardCoded(page, data)).toEqual([]);
    expect(await seriousViolations(page, 'body')).toEqual([]);
    await screenshot(page, `console-pseudo-${name}-${label}`);
  }
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('.signin-card button[type="submit"]').click();
  await page.getByTestId('queue-waiting').waitFor();
}

describe('the console in the agent’s language', () => {
  let env: Awaited<ReturnType<typeof startServerWithVault>>;

  beforeAll(async () => {
    env = await startServerWithVault({ logLevel: 'warn' });
  });

  afterAll(async () => {
    await env?.close();
  });

  it('in the pseudo-locale shows no hard-coded string: sign-in, workspace with a conversation and a payment card, profile, at 390 and 1280 px', async () => {
    const { server } = env;
    const creds = await server.createAgent('supervisor');
    const rest = new AgentClient(server.url);
    await rest.login(creds.email, creds.password);
    const visitor = await newVisitor(server.url, server.orgKey, 'Vera Visitor');
    await rest.request('POST', `/api/conversations/${visitor.conversationId}/accept`, {});
    const reply = 'Your order is on its way.';
    await rest.request('POST', `/api/conversations/${visitor.conversationId}/messages`, {
      clientMsgId: 'pseudo-console-1',
      text: reply,
    });
    const { res } = await requestPayment(rest, visitor.conversationId, {
      description: 'Order 1042',
    });
    expect(res.ok).toBe(true);
    const session = (await (await rest.request('GET', '/api/auth/session')).json()) as {
      agent: { name: string };
      organisation: { name: string };
    };
    const data = [
      'Parley', // the product's name
      session.agent.name,
      session.organisation.name,
      creds.email,
      'Vera Visitor',
      reply,
      'Order 1042',
    ];

    const browser = await launchBrowser();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.setViewportSize({ width: 390, height: 800 });
      await page.goto(`${server.url}/?lang=en-XA`);
      await page.locator('#signin-title').waitFor();
      expect(await page.locator('#signin-title').textContent()).toMatch(/^⟦.*⟧$/);
      await checkBothSizes(page, data, 'signin');

      await signIn(page, creds.email, creds.password);
      await page.setViewportSize({ width: 1280, height: 800 });
      await page
        .getByTestId('list-mine')
        .getByTestId('conversation-item')
        .filter({ hasText: 'Vera Visitor' })
        .click();
      const view = page.getByTestId('conversation-view');
      await view.getByTestId('message').filter({ hasText: reply }).waitFor();
      await view.getByTestId('payment-card').waitFor();
      await page.locator('[data-testid="connection-status"].connected').waitFor();
      await checkBothSizes(page, data, 'workspace');

      // The payment form and the refund-free card actions, open.
      await page.setViewportSize({ width: 1280, height: 800 });
      await view.locator('.pane-head .actions button').nth(0).click();
      await page.getByTestId('payment-form').waitFor();
      await checkBothSizes(page, data, 'payment-form');

      await page.goto(`${server.url}/profile?lang=en-XA`);
      await page.getByTestId('language-picker').waitFor();
      await page.getByTestId('session-list').getByTestId('session-row').first().waitFor();
      // The device names come from the browser's user agent: data.
      const devices = await page.locator('[data-testid="session-row"] strong').allTextContents();
      await checkBothSizes(page, [...data, ...devices], 'profile');
    } finally {
      await browser.close();
    }
  });

  it('follows the browser’s language (de-DE), and the agent’s choice on the profile page wins over it', async () => {
    const { server } = env;
    const creds = await server.createAgent('agent');
    const browser = await launchBrowser({ locale: 'de-DE' });
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.goto(server.url);
      await page.getByRole('heading', { name: 'Bei der Konsole anmelden' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
      await page.getByLabel('Passwort').fill(creds.password);
      await page.getByLabel('E-Mail').fill(creds.email);
      await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
      await page.getByRole('navigation', { name: 'Gespräche' }).waitFor();
      expect(await page.getByTestId('queue-waiting').textContent()).toContain('Niemand wartet.');
      expect(await page.title()).toBe('Parley-Konsole');

      await page.goto(`${server.url}/profile`);
      await page.getByRole('heading', { name: 'Ihr Konto' }).waitFor();
      await Promise.all([
        page.waitForEvent('load'),
        page.getByLabel('Sprache der Konsole').selectOption('fr'),
      ]);
      await page.getByRole('heading', { name: 'Votre compte' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
      await page.goto(server.url);
      await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
      expect(await page.getByTestId('queue-waiting').textContent()).toContain("Personne n'attend.");

      // Back to the browser's language.
      await page.goto(`${server.url}/profile`);
      await Promise.all([
        page.waitForEvent('load'),
        page.getByLabel('Langue de la console').selectOption(''),
      ]);
      await page.getByRole('heading', { name: 'Ihr Konto' }).waitFor();
    } finally {
      await browser.close();
    }
  });
});
