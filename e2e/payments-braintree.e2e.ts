import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page, Request } from 'playwright-core';
import type { PaymentSummary } from '@parley/protocol';
import {
  chatWithVisitor,
  payLink,
  requestPayment,
  startServerWithVault,
} from '../apps/server/test/payment-flow';
import { freePort } from '../apps/server/test/vault-process';
import { launchBrowser, screenshot } from './browser';
import {
  braintreeVaultEnv,
  buildPayPage,
  startFakeBraintree,
  type FakeBraintreeProcess,
} from './processors';

// Issue 16: Braintree Hosted Fields (SAQ A) driven in Chromium against a local server
// that speaks Braintree's gateway and client APIs and serves the braintree-web subset
// the pay window uses. Every request the browser sends to the vault is captured: none
// carries a card number; only Braintree's frames do.

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const CARD_NUMBERS = ['4111111111111111', '4000111111111115', '4000000000001091'];
const WIDTHS = [320, 390, 480];

type Chat = Awaited<ReturnType<typeof chatWithVisitor>>;
type Env = Awaited<ReturnType<typeof startServerWithVault>>;
interface Captured {
  method: string;
  url: string;
  body: string;
}
interface Tx {
  id: string;
  status: string;
  amount: string;
  currencyIsoCode: string;
  orderId: string | null;
}

function capture(context: BrowserContext, origin: () => string): Captured[] {
  const seen: Captured[] = [];
  context.on('request', (r: Request) => {
    if (new URL(r.url()).origin === origin())
      seen.push({ method: r.method(), url: r.url(), body: r.postData() ?? '' });
  });
  return seen;
}

const containsCard = (text: string) =>
  CARD_NUMBERS.some((n) => text.replace(/[\s-]/g, '').includes(n));

async function seriousA11yViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            opts: Record<string, unknown>,
          ): Promise<{ violations: { id: string; impact: string | null }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { iframes: false });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact})`);
  });
}

describe('Braintree Hosted Fields in the pay window (fake Braintree, Chromium)', () => {
  let fake: FakeBraintreeProcess;
  let env: Env;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let chat: Chat;
  let toVault: Captured[];
  let toBraintree: Captured[];

  beforeAll(async () => {
    buildPayPage();
    const port = await freePort();
    fake = await startFakeBraintree(`http://127.0.0.1:${port}/webhooks/braintree`);
    env = await startServerWithVault({
      logLevel: 'warn',
      vaultPort: port,
      vaultEnv: braintreeVaultEnv(fake),
    });
    browser = await launchBrowser();
    toVault = capture(browser.context, () => env.vault.url);
    toBraintree = capture(browser.context, () => fake.url);
    chat = await chatWithVisitor(env.server, 'supervisor');
  });

  afterAll(async () => {
    await browser?.close();
    await env?.close();
    await fake?.stop();
  });

  async function agentView(id: string): Promise<PaymentSummary | undefined> {
    const res = await chat.agent.request(
      'GET',
      `/api/conversations/${chat.visitor.conversationId}/payments`,
    );
    const { payments } = (await res.json()) as { payments: PaymentSummary[] };
    return payments.find((p) => p.id === id);
  }

  async function newPayWindow(amount: number): Promise<{ id: string; page: Page }> {
    const made = await requestPayment(chat.agent, chat.visitor.conversationId, {
      amount,
      currency: 'EUR',
      description: `Order ${amount}`,
    });
    expect(made.res.status).toBe(201);
    const id = made.body.payment.id;
    const link = await payLink(env.server, chat.visitor.token, chat.visitor.conversationId, id);
    const opener = await browser.context.newPage();
    const [page] = await Promise.all([
      browser.context.waitForEvent('page'),
      opener.evaluate((url) => void window.open(url, '_blank'), link.payUrl),
    ]);
    page.on('close', () => void opener.close());
    await page.waitForLoadState();
    await page.locator('#pay-hosted-section').waitFor();
    await field(page, 'number').getByLabel('Credit Card Number').waitFor();
    await page.locator('#pay-hosted-submit:not([disabled])').waitFor();
    return { id, page };
  }

  const field = (page: Page, key: string) => page.frameLocator(`#bt-${key} iframe`);

  async function typeCard(page: Page, number: string): Promise<void> {
    await field(page, 'number').getByLabel('Credit Card Number').pressSequentially(number);
    await field(page, 'expirationDate').getByLabel('Expiration Date').pressSequentially('1234');
    await field(page, 'cvv').getByLabel('CVV').pressSequentially('123');
    await page.locator('#pay-hosted-submit:not([disabled])').click();
  }

  const salesFor = async (amount: string) =>
    ((await fake.control('/__fake/transactions')) as Tx[]).filter((t) => t.amount === amount);

  it('pays 4111 through Hosted Fields: one sale for the stored amount, the agent sees brand and last four', async () => {
    const { id, page } = await newPayWindow(1250);
    expect(await page.locator('#pay-amount').textContent()).toMatch(/12\.50/);
    // Formatted as typed inside Braintree's frame.
    await field(page, 'number')
      .getByLabel('Credit Card Number')
      .pressSequentially('4111111111111111');
    expect(await field(page, 'number').getByLabel('Credit Card Number').inputValue()).toBe(
      '4111 1111 1111 1111',
    );
    await field(page, 'number').getByLabel('Credit Card Number').fill('');
    await screenshot(page, 'payment-braintree-fields');
    await typeCard(page, '4111111111111111');
    await page.locator('#pay-success').waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.id))
      .toBe('pay-success-title');
    expect(await page.locator('#pay-announce').textContent()).toMatch(/Payment successful/);
    // "Back to the chat" closes the window; so does its own countdown 8 s after success, which
    // a loaded machine can reach first: click at once, and accept either closing.
    await page
      .getByRole('button', { name: 'Back to the chat' })
      .click()
      .catch((e: unknown) => {
        if (!page.isClosed()) throw e;
      });
    await expect.poll(() => page.isClosed()).toBe(true);
    await expect.poll(async () => (await agentView(id))?.status).toBe('succeeded');
    expect(await agentView(id)).toMatchObject({ brand: 'visa', last4: '1111', amount: 1250 });
    const sales = await salesFor('12.50');
    expect(sales).toHaveLength(1);
    expect(sales[0]).toMatchObject({ status: 'submitted_for_settlement', currencyIsoCode: 'EUR' });
    expect((await agentView(id))?.gatewayReference).toBe(sales[0]!.id);
  });

  it('serves the pay page with a CSP that allows exactly the processor origin', async () => {
    const { page } = await newPayWindow(300);
    const response = await page.reload();
    const csp = (await response?.headerValue('content-security-policy')) ?? '';
    expect(csp).toContain(`script-src 'self' ${fake.url};`);
    expect(csp).toContain(`frame-src ${fake.url};`);
    expect(csp).toContain(`connect-src 'self' ${fake.url};`);
    expect(csp).not.toMatch(/\*|unsafe-inline|unsafe-eval/);
    await page.close();
  });

  it('shows what is wrong with an incomplete card without sending anything to the vault', async () => {
    const { page } = await newPayWindow(400);
    const before = toVault.length;
    await field(page, 'number').getByLabel('Credit Card Number').pressSequentially('4111');
    await page.locator('#pay-hosted-submit').click();
    await expect
      .poll(() => page.locator('#pay-hosted-error').textContent())
      .toMatch(/Check the card/);
    expect(await page.locator('#bt-number-error').textContent()).toMatch(/valid card number/);
    expect(toVault.slice(before).filter((r) => r.url.endsWith('/nonce'))).toEqual([]);
    await page.close();
  });

  it('a declined card (4000 1111 1111 1115) can be retried in the same window as a new attempt, then paid', async () => {
    const { id, page } = await newPayWindow(500);
    await typeCard(page, '4000111111111115');
    await page.locator('#pay-failure').waitFor();
    expect(await page.locator('#pay-failure-message').textContent()).toMatch(/declined/);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.id))
      .toBe('pay-failure-title');
    await expect.poll(async () => (await agentView(id))?.status).toBe('failed');
    await page.getByRole('button', { name: 'Try again' }).click();
    await field(page, 'number').getByLabel('Credit Card Number').waitFor();
    await page.locator('#pay-hosted-submit:not([disabled])').waitFor();
    await typeCard(page, '4111111111111111');
    await page.locator('#pay-success').waitFor();
    await expect.poll(async () => (await agentView(id))?.status).toBe('succeeded');
    expect((await salesFor('5.00')).map((t) => t.status).sort()).toEqual([
      'processor_declined',
      'submitted_for_settlement',
    ]);
    expect((await agentView(id))?.attempts).toHaveLength(2);
    await page.close();
  });

  it('3-D Secure (4000 0000 0000 1091) approved in the challenge pays', async () => {
    const { id, page } = await newPayWindow(1600);
    await typeCard(page, '4000000000001091');
    const challenge = page.frameLocator('iframe[title="3D Secure verification"]');
    await challenge.getByRole('button', { name: 'Complete authentication' }).click();
    await page.locator('#pay-success').waitFor();
    await expect.poll(async () => (await agentView(id))?.status).toBe('succeeded');
    await page.close();
  });

  it('3-D Secure denied is refused by Braintree, says the bank did not confirm, and offers another attempt', async () => {
    const { id, page } = await newPayWindow(1700);
    await typeCard(page, '4000000000001091');
    const challenge = page.frameLocator('iframe[title="3D Secure verification"]');
    await challenge.getByRole('button', { name: 'Fail authentication' }).click();
    await page.locator('#pay-failure').waitFor();
    expect(await page.locator('#pay-failure-message').textContent()).toMatch(
      /bank did not confirm/,
    );
    await page.getByRole('button', { name: 'Try again' }).waitFor();
    await expect.poll(async () => (await agentView(id))?.status).toBe('failed');
    expect((await salesFor('17.00'))[0]?.status).toBe('gateway_rejected');
    await page.close();
  });

  it('the amount cannot be changed from the browser', async () => {
    const { id, page } = await newPayWindow(777);
    const tampered = await page.evaluate(async (paymentId) => {
      const res = await fetch(`/pay/p/${paymentId}/api/nonce`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          idempotencyKey: crypto.randomUUID(),
          nonce: 'tokencc_fake_x',
          amount: 1,
        }),
      });
      return res.status;
    }, id);
    expect(tampered).toBe(400);
    await typeCard(page, '4111111111111111');
    await page.locator('#pay-success').waitFor();
    expect((await salesFor('7.77')).map((t) => [t.amount, t.currencyIsoCode])).toEqual([
      ['7.77', 'EUR'],
    ]);
    await page.close();
  });

  it('a settlement webhook signed by Braintree is applied once although delivered twice', async () => {
    const [sale] = await salesFor('12.50');
    await fake.control(`/__fake/settle/${sale!.id}`, {});
    const webhooks = (await fake.control('/__fake/webhooks')) as { kind: string; status: number }[];
    expect(webhooks.filter((w) => w.kind === 'transaction_settled').map((w) => w.status)).toEqual([
      200, 200,
    ]);
  });

  it('fits 320, 390 and 480 px without horizontal scrolling; no serious or critical axe findings', async () => {
    const { page } = await newPayWindow(99_999_999);
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      const sizes = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
        widest: Math.max(
          ...[...document.querySelectorAll('body *')].map((e) => e.getBoundingClientRect().right),
        ),
      }));
      expect(sizes.scroll, `horizontal scroll at ${width}px`).toBeLessThanOrEqual(sizes.client);
      expect(sizes.widest, `an element sticks out at ${width}px`).toBeLessThanOrEqual(width + 0.5);
      await screenshot(page, `payment-braintree-${width}`);
    }
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.close();
  });

  it('the vault never received a card number in any request; Braintree did', () => {
    expect(toVault.length).toBeGreaterThan(10);
    expect(toVault.filter((r) => containsCard(r.body) || containsCard(r.url))).toEqual([]);
    expect(toVault.some((r) => r.url.endsWith('/nonce') && r.body.includes('tokencc_'))).toBe(true);
    expect(toBraintree.some((r) => containsCard(r.body))).toBe(true);
  });
});
