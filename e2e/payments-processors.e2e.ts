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
import { buildPayPage, startFakeStripe, stripeVaultEnv, type FakeProcessor } from './processors';

// Issue 16: real processors through their hosted fields (SAQ A), driven in Chromium
// against a local server that speaks the processor's HTTP API and serves its SDK.
// Every request the browser sends to the vault is captured: none carries a card number.

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const CARD_NUMBERS = [
  '4242424242424242',
  '4000000000000002',
  '4000002760003184',
  '4000000000009995',
];
const WIDTHS = [320, 390, 480];

type Chat = Awaited<ReturnType<typeof chatWithVisitor>>;
type Env = Awaited<ReturnType<typeof startServerWithVault>>;

interface Captured {
  method: string;
  url: string;
  body: string;
}

/** Records every request from the browser to an origin (pages, popups and frames alike). */
function capture(context: BrowserContext, origin: () => string): Captured[] {
  const seen: Captured[] = [];
  context.on('request', (r: Request) => {
    if (new URL(r.url()).origin === origin())
      seen.push({ method: r.method(), url: r.url(), body: r.postData() ?? '' });
  });
  return seen;
}

function containsCard(text: string): boolean {
  const digits = text.replace(/[\s-]/g, '');
  return CARD_NUMBERS.some((n) => digits.includes(n));
}

async function agentView(env: Env, chat: Chat, id: string): Promise<PaymentSummary | undefined> {
  const res = await chat.agent.request(
    'GET',
    `/api/conversations/${chat.visitor.conversationId}/payments`,
  );
  const { payments } = (await res.json()) as { payments: PaymentSummary[] };
  void env;
  return payments.find((p) => p.id === id);
}

async function newPayWindow(
  env: Env,
  chat: Chat,
  context: BrowserContext,
  amount: number,
  currency = 'EUR',
): Promise<{ id: string; page: Page }> {
  const made = await requestPayment(chat.agent, chat.visitor.conversationId, {
    amount,
    currency,
    description: `Order ${amount}`,
  });
  expect(made.res.status).toBe(201);
  const id = made.body.payment.id;
  const link = await payLink(env.server, chat.visitor.token, chat.visitor.conversationId, id);
  // Opened by a script, as the chat frame opens it: only such a window may close itself.
  const opener = await context.newPage();
  const [page] = await Promise.all([
    context.waitForEvent('page'),
    opener.evaluate((url) => void window.open(url, '_blank'), link.payUrl),
  ]);
  page.on('close', () => void opener.close());
  await page.waitForLoadState();
  return { id, page };
}

/** Fails when the page scrolls sideways at this width. */
async function noHorizontalOverflow(page: Page, width: number): Promise<void> {
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
}

/** axe-core on the page (Runtime.evaluate is not subject to the page's CSP). */
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

describe('Stripe Payment Element in the pay window (fake Stripe, Chromium)', () => {
  let fake: FakeProcessor;
  let env: Env;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let chat: Chat;
  let toVault: Captured[];
  let toStripe: Captured[];

  beforeAll(async () => {
    buildPayPage();
    const port = await freePort();
    fake = await startFakeStripe(`http://127.0.0.1:${port}/webhooks/stripe`);
    env = await startServerWithVault({
      logLevel: 'warn',
      vaultPort: port,
      vaultEnv: stripeVaultEnv(fake),
    });
    browser = await launchBrowser();
    toVault = capture(browser.context, () => env.vault.url);
    toStripe = capture(browser.context, () => fake.url);
    chat = await chatWithVisitor(env.server, 'supervisor');
  });

  afterAll(async () => {
    await browser?.close();
    await env?.close();
    await fake?.stop();
  });

  const element = (page: Page) => page.frameLocator('#processor-element iframe');

  async function typeCard(page: Page, number: string): Promise<void> {
    const f = element(page);
    await f.getByLabel('Card number').fill(number);
    await f.getByLabel('Expiration date').fill('12 / 34');
    await f.getByLabel('Security code').fill('123');
    await page.locator('#pay-hosted-submit:not([disabled])').click();
  }

  async function intentsOf(id: string) {
    const all = await fake.get<
      {
        id: string;
        amount: number;
        currency: string;
        status: string;
        metadata: Record<string, string>;
      }[]
    >('/_fake/intents');
    return all.filter((pi) => pi.metadata.parley_payment_id === id);
  }

  it('pays 4242 through the Payment Element: the vault made the intent for the stored amount, the agent sees brand, last four and the intent', async () => {
    const { id, page } = await newPayWindow(env, chat, browser.context, 1250);
    await page.locator('#pay-hosted-section').waitFor();
    await element(page).getByLabel('Card number').waitFor();
    // Wallets come from Stripe.js (Apple Pay / Google Pay): the element offers one.
    await element(page).getByTestId('wallet-button').waitFor();
    expect(await page.locator('#pay-amount').textContent()).toMatch(/12\.50/);
    await screenshot(page, 'payment-stripe-element');
    await typeCard(page, '4242 4242 4242 4242');
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
    await expect.poll(async () => (await agentView(env, chat, id))?.status).toBe('succeeded');
    const seen = await agentView(env, chat, id);
    expect(seen).toMatchObject({ brand: 'visa', last4: '4242', amount: 1250, currency: 'EUR' });
    expect(seen?.gatewayReference).toMatch(/^pi_/);
    const intents = await intentsOf(id);
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ amount: 1250, currency: 'eur', status: 'succeeded' });
    // The vault's calls carried idempotency keys and automatic payment methods.
    const calls = await fake.get<
      {
        method: string;
        path: string;
        auth: string;
        idempotencyKey?: string;
        params: Record<string, string>;
      }[]
    >('/_fake/calls');
    const creates = calls.filter((c) => c.method === 'POST' && c.path === '/v1/payment_intents');
    expect(creates.length).toBeGreaterThan(0);
    for (const c of creates) {
      expect(c.auth).toBe('secret');
      expect(c.idempotencyKey).toMatch(/^parley-intent-/);
      expect(c.params['automatic_payment_methods[enabled]']).toBe('true');
    }
  });

  it('serves the pay page with a CSP that allows exactly the processor origin', async () => {
    const { page } = await newPayWindow(env, chat, browser.context, 300);
    const response = await page.reload();
    const csp = (await response?.headerValue('content-security-policy')) ?? '';
    expect(csp).toContain(`script-src 'self' ${fake.url}`);
    expect(csp).toContain(`frame-src ${fake.url}`);
    expect(csp).toContain(`connect-src 'self' ${fake.url}`);
    expect(csp).not.toMatch(/\*|unsafe-inline|unsafe-eval/);
    await page.close();
  });

  it('a declined card (4000 0000 0000 0002) can be retried in the same window as a new attempt, then paid', async () => {
    const { id, page } = await newPayWindow(env, chat, browser.context, 500);
    await element(page).getByLabel('Card number').waitFor();
    await typeCard(page, '4000 0000 0000 0002');
    await page.locator('#pay-failure').waitFor();
    expect(await page.locator('#pay-failure-message').textContent()).toMatch(/declined/);
    await expect.poll(async () => (await agentView(env, chat, id))?.status).toBe('failed');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.id))
      .toBe('pay-failure-title');
    await page.getByRole('button', { name: 'Try again' }).click();
    await element(page).getByLabel('Card number').waitFor();
    await typeCard(page, '4242 4242 4242 4242');
    await page.locator('#pay-success').waitFor();
    await expect.poll(async () => (await agentView(env, chat, id))?.status).toBe('succeeded');
    const intents = await intentsOf(id);
    // Two attempts, each its own intent; the declined one was canceled before the next began.
    expect(intents.map((i) => i.status).sort()).toEqual(['canceled', 'succeeded']);
    expect(intents.every((i) => i.amount === 500)).toBe(true);
    await page.close();
  });

  it('3-D Secure (4000 0027 6000 3184) approved in the challenge succeeds', async () => {
    const { id, page } = await newPayWindow(env, chat, browser.context, 2000);
    await element(page).getByLabel('Card number').waitFor();
    await typeCard(page, '4000 0027 6000 3184');
    const challenge = page.frameLocator('iframe[title="3D Secure challenge"]');
    await challenge.getByRole('button', { name: 'Complete authentication' }).click();
    await page.locator('#pay-success').waitFor();
    await expect.poll(async () => (await agentView(env, chat, id))?.status).toBe('succeeded');
    await page.close();
  });

  it('3-D Secure denied fails with the bank’s reason and offers another attempt', async () => {
    const { id, page } = await newPayWindow(env, chat, browser.context, 2100);
    await element(page).getByLabel('Card number').waitFor();
    await typeCard(page, '4000 0027 6000 3184');
    const challenge = page.frameLocator('iframe[title="3D Secure challenge"]');
    await challenge.getByRole('button', { name: 'Fail authentication' }).click();
    await page.locator('#pay-failure').waitFor();
    expect(await page.locator('#pay-failure-message').textContent()).toMatch(
      /bank did not confirm/,
    );
    await page.getByRole('button', { name: 'Try again' }).waitFor();
    await expect.poll(async () => (await agentView(env, chat, id))?.status).toBe('failed');
    await page.close();
  });

  it('the amount cannot be changed from the browser', async () => {
    const { id, page } = await newPayWindow(env, chat, browser.context, 777);
    await element(page).getByLabel('Card number').waitFor();
    const tampered = await page.evaluate(async (paymentId) => {
      const res = await fetch(`/pay/p/${paymentId}/api/intent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ idempotencyKey: crypto.randomUUID(), amount: 1, currency: 'JPY' }),
      });
      return res.status;
    }, id);
    expect(tampered).toBe(400);
    await typeCard(page, '4242 4242 4242 4242');
    await page.locator('#pay-success').waitFor();
    expect((await intentsOf(id)).map((i) => [i.amount, i.currency])).toEqual([[777, 'eur']]);
    await page.close();
  });

  it('learns outcomes from signed webhooks, each event applied once although delivered twice; a forged one is refused', async () => {
    const deliveries = () =>
      fake.get<{ eventId: string; type: string; status: number }[]>('/_fake/webhooks');
    // The fake sends each event twice; the second copy of the newest may still be on its way.
    await expect
      .poll(async () => {
        const perEvent = new Map<string, number>();
        for (const d of await deliveries())
          perEvent.set(d.eventId, (perEvent.get(d.eventId) ?? 0) + 1);
        return [...perEvent.values()].every((n) => n === 2);
      })
      .toBe(true);
    const all = await deliveries();
    expect(all.some((d) => d.type === 'payment_intent.succeeded')).toBe(true);
    expect(all.every((d) => d.status === 200)).toBe(true);
    const forged = await fetch(`${env.vault.url}/webhooks/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`,
      },
      body: JSON.stringify({
        id: 'evt_forged',
        type: 'payment_intent.succeeded',
        data: { object: {} },
      }),
    });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.status).toBeLessThan(500);
  });

  it('fits 320, 390 and 480 px without horizontal scrolling; no serious or critical axe findings', async () => {
    const { page } = await newPayWindow(env, chat, browser.context, 99_999_999);
    await element(page).getByLabel('Card number').waitFor();
    for (const width of WIDTHS) {
      await noHorizontalOverflow(page, width);
      await screenshot(page, `payment-stripe-${width}`);
    }
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.close();
  });

  it('the vault never received a card number in any request; the processor did', () => {
    expect(toVault.length).toBeGreaterThan(10);
    expect(toVault.filter((r) => containsCard(r.body) || containsCard(r.url))).toEqual([]);
    expect(toStripe.some((r) => containsCard(r.body))).toBe(true);
  });
});

describe('test gateway pay window (its own form)', () => {
  let env: Env;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let chat: Chat;

  beforeAll(async () => {
    buildPayPage();
    env = await startServerWithVault({ logLevel: 'warn' });
    browser = await launchBrowser();
    chat = await chatWithVisitor(env.server, 'supervisor');
  });

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('formats the card number and expiry as typed and shows the brand mark', async () => {
    const { page } = await newPayWindow(env, chat, browser.context, 1250);
    await page.locator('#pay-form-section').waitFor();
    await page.getByLabel('Card number').pressSequentially('4242424242424242');
    expect(await page.getByLabel('Card number').inputValue()).toBe('4242 4242 4242 4242');
    expect(await page.locator('#card-brand-mark').textContent()).toBe('VISA');
    await page.getByLabel('Card number').fill('');
    await page.getByLabel('Card number').pressSequentially('378282246310005');
    expect(await page.getByLabel('Card number').inputValue()).toBe('3782 822463 10005');
    expect(await page.locator('#card-brand-mark').textContent()).toBe('AMEX');
    await page.getByLabel('Expiry date (MM/YY)').pressSequentially('1234');
    expect(await page.getByLabel('Expiry date (MM/YY)').inputValue()).toBe('12 / 34');
    await page.close();
  });

  it('after a decline the customer tries again in the same window and pays', async () => {
    const { id, page } = await newPayWindow(env, chat, browser.context, 1500);
    await page.locator('#pay-form-section').waitFor();
    const pay = async (number: string) => {
      await page.getByLabel('Card number').fill(number);
      await page.getByLabel('Expiry date (MM/YY)').fill('12 / 34');
      await page.getByLabel('Security code').fill('737');
      await page.getByLabel('Name on card').fill('Vera Visitor');
      await page.locator('#pay-submit').click();
    };
    await pay('4000 0000 0000 0002');
    await page.locator('#pay-failure').waitFor();
    await expect.poll(async () => (await agentView(env, chat, id))?.status).toBe('failed');
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('card-number');
    await pay('4242 4242 4242 4242');
    await page.locator('#pay-success').waitFor();
    await expect.poll(async () => (await agentView(env, chat, id))?.status).toBe('succeeded');
    await page.close();
  });

  it('fits 320, 390 and 480 px without horizontal scrolling; no serious or critical axe findings', async () => {
    const { page } = await newPayWindow(env, chat, browser.context, 99_999_999);
    await page.locator('#pay-form-section').waitFor();
    for (const width of WIDTHS) {
      await noHorizontalOverflow(page, width);
      await screenshot(page, `payment-window-${width}`);
    }
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.close();
  });
});
