import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import {
  chatWithVisitor,
  EXPIRY,
  payLink,
  requestPayment,
  startServerWithVault,
} from '../apps/server/test/payment-flow';
import { chatFrame, clickLauncher, launchBrowser, screenshot } from './browser';
import { seriousViolations } from './axe';

// Issue 15 item 7 / issue 16 item 4 (docs/payments.md, docs/widget.md "Languages"): every string
// of the pay window comes from its catalogs. In the en-XA pseudo-locale each is accented and
// wrapped in ⟦…⟧, so a text node or label without the brackets was hard-coded.

/** Visible or announced text not from a catalog, apart from the given data. */
async function hardCoded(page: Page, data: string[]): Promise<string[]> {
  return page.evaluate((data) => {
    const fromCatalog = (raw: string): boolean => {
      const v = raw.trim();
      // A catalog string may hold another (the announcement holds the success text).
      const wrapped = v.startsWith('⟦') && v.endsWith('⟧');
      return v === '' || wrapped || data.includes(v) || !/[A-Za-z]{2,}/.test(v);
    };
    const visible = (n: Node): boolean => {
      const el = n.parentElement;
      return !!el && !el.closest('[hidden]');
    };
    const found: string[] = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode())
      if (visible(n) && !fromCatalog(n.textContent ?? '')) found.push((n.textContent ?? '').trim());
    for (const el of document.querySelectorAll('*'))
      for (const attr of ['aria-label', 'placeholder', 'title', 'alt']) {
        const v = el.getAttribute(attr);
        if (v !== null && !fromCatalog(v)) found.push(`${attr}="${v}"`);
      }
    if (!fromCatalog(document.title)) found.push(`<title>${document.title}`);
    return found;
  }, data);
}

describe('the pay window in the customer’s language', () => {
  let env: Awaited<ReturnType<typeof startServerWithVault>>;

  beforeAll(async () => {
    env = await startServerWithVault({ logLevel: 'warn' });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('in the pseudo-locale shows no hard-coded string: form, card errors, decline, 3-D Secure, success', async () => {
    const chat = await chatWithVisitor(env.server);
    const { body } = await requestPayment(chat.agent, chat.visitor.conversationId, {
      description: 'Order 1042',
    });
    const link = await payLink(
      env.server,
      chat.visitor.token,
      chat.visitor.conversationId,
      body.payment.id,
    );
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: 390, height: 800 });
      await page.goto(`${link.payUrl}?lang=en-XA`);
      await page.locator('#pay-form-section').waitFor();
      // The reload URL keeps the language.
      expect(new URL(page.url()).searchParams.get('lang')).toBe('en-XA');
      const amount = (await page.locator('#pay-amount').textContent())!;
      const merchant = (await page.locator('#pay-merchant').textContent())!;
      const data = [amount, merchant, 'Order 1042'];
      expect(amount).toMatch(/12\.50/);
      expect(await hardCoded(page, data)).toEqual([]);
      expect(await seriousViolations(page, 'body')).toEqual([]);

      // Every field's own error, the brand shown for a typed number.
      await page.locator('#pay-submit').click();
      await expect.poll(() => page.locator('#card-number-error').textContent()).toMatch(/^⟦/);
      expect(await hardCoded(page, data)).toEqual([]);
      await page.locator('#card-number').fill('4000 0000 0000 0002');
      await page.locator('#card-expiry').fill(EXPIRY);
      await page.locator('#card-cvc').fill('12');
      await page.locator('#card-cvc').blur();
      await expect.poll(() => page.locator('#card-cvc-error').textContent()).toMatch(/^⟦/);
      expect(await hardCoded(page, [...data, 'Visa', 'VISA'])).toEqual([]);
      await screenshot(page, 'pay-pseudo-errors');

      // Declined: the failure texts, the retry.
      await page.locator('#card-cvc').fill('737');
      await page.locator('#card-name').fill('Vera Visitor');
      await page.locator('#pay-submit').click();
      await page.locator('#pay-failure').waitFor();
      expect(await hardCoded(page, data)).toEqual([]);
      await page.locator('#pay-retry').click();

      // 3-D Secure: the challenge names the amount and the merchant (data).
      await page.locator('#card-number').fill('4000 0027 6000 3184');
      await page.locator('#card-cvc').fill('737');
      await page.locator('#pay-submit').click();
      await page.locator('#pay-challenge').waitFor();
      const challenge = (await page.locator('#pay-challenge-text').textContent())!;
      expect(challenge).toContain(amount);
      expect(challenge).toMatch(/^⟦/);
      expect(await hardCoded(page, data)).toEqual([]);
      expect(await seriousViolations(page, 'body')).toEqual([]);
      await page.locator('#challenge-approve').click();
      await page.locator('#pay-success').waitFor();
      await expect.poll(() => page.locator('#pay-closing').textContent()).toMatch(/^⟦/);
      expect(await hardCoded(page, [...data, 'Visa'])).toEqual([]);
      expect(await seriousViolations(page, 'body')).toEqual([]);
      await screenshot(page, 'pay-pseudo-success');
    } finally {
      await browser.close();
    }
  });

  it('the widget opens it in the visitor’s language: a German payment to success, axe clean at 390 px', async () => {
    const visitorBrowser = await launchBrowser();
    const agentBrowser = await launchBrowser();
    try {
      const visitor = await visitorBrowser.context.newPage();
      const agent = await agentBrowser.context.newPage();
      await visitor.goto(`${env.server.url}/demo?lang=de`);
      await clickLauncher(visitor);
      const frame: Frame = await chatFrame(visitor);
      await expect.poll(() => frame.evaluate(() => document.documentElement.lang)).toBe('de');
      await frame.locator('input').first().fill('Greta');
      await frame.locator('form button[type="submit"]').first().click();
      await frame.locator('textarea, input[type="text"]').last().waitFor();

      const sup = await env.server.createAgent('supervisor');
      await agent.goto(env.server.url);
      await agent.getByLabel('E-mail').fill(sup.email);
      await agent.getByLabel('Password').fill(sup.password);
      await agent.getByRole('button', { name: 'Sign in', exact: true }).click();
      await agent
        .getByTestId('queue-waiting')
        .getByTestId('conversation-item')
        .filter({ hasText: 'Greta' })
        .click();
      await agent.getByRole('button', { name: 'Accept' }).click();
      await agent.getByRole('button', { name: 'Request payment' }).click();
      const form = agent.getByTestId('payment-form');
      await form.getByLabel('Amount').fill('12.50');
      await form.getByLabel('Currency').selectOption('EUR');
      await form.getByLabel('What it is for').fill('Bestellung 1042');
      await form.getByRole('button', { name: 'Send payment request' }).click();

      const card = frame.getByTestId('payment-card').last();
      const pay = card.locator('button').first();
      await pay.waitFor();
      const [popup] = await Promise.all([visitorBrowser.context.waitForEvent('page'), pay.click()]);
      await popup.waitForURL((u) => u.origin === env.vault.url && u.pathname.startsWith('/pay/'));
      await popup.setViewportSize({ width: 390, height: 800 });
      await popup.locator('#pay-form-section').waitFor();
      expect(new URL(popup.url()).searchParams.get('lang')).toBe('de');
      expect(await popup.evaluate(() => document.documentElement.lang)).toBe('de');
      expect(await popup.title()).toBe('Sichere Zahlung');
      // German amount format from Intl: "12,50 €".
      await expect.poll(() => popup.locator('#pay-amount').textContent()).toMatch(/12,50\s€/);
      expect(await popup.locator('#pay-safety-note').textContent()).toMatch(/Kartendaten/);
      expect(await seriousViolations(popup, 'body')).toEqual([]);

      await popup.getByLabel('Kartennummer').fill('4242 4242 4242 4242');
      await popup.getByLabel('Ablaufdatum (MM/JJ)').fill(EXPIRY);
      await popup.getByLabel('Sicherheitscode').fill('737');
      await popup.getByLabel('Name auf der Karte').fill('Greta Gast');
      expect(await popup.locator('#pay-submit').textContent()).toMatch(/^12,50\s€ bezahlen$/);
      await screenshot(popup, 'pay-de-form-390');
      await popup.locator('#pay-submit').click();
      await popup.locator('#pay-success').waitFor();
      expect(await popup.locator('#pay-success-title').textContent()).toBe('Zahlung erfolgreich');
      expect(await popup.locator('#pay-success-text').textContent()).toMatch(
        /^12,50\s€ bezahlt mit Visa mit Endziffern 4242\.$/,
      );
      await expect
        .poll(() => popup.locator('#pay-closing').textContent())
        .toMatch(/^Dieses Fenster schließt sich in \d Sekunden?\.$/);
      expect(await popup.getByRole('button', { name: 'Zurück zum Chat' }).count()).toBe(1);
      expect(await seriousViolations(popup, 'body')).toEqual([]);
      await screenshot(popup, 'pay-de-success-390');
    } finally {
      await visitorBrowser.close();
      await agentBrowser.close();
    }
  });
});
