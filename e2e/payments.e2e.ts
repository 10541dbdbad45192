import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { startServerWithVault } from '../apps/server/test/payment-flow';
import { chatFrame, clickLauncher, launchBrowser, screenshot } from './browser';

const EXPIRY = `12/${(new Date().getUTCFullYear() + 3) % 100}`;

// An agent asks for a payment in the chat; the visitor pays in the vault's own
// window (another origin, a real vault process); both see the outcome live
// and go on chatting. Declined card and 3-D Secure approve/deny too.
describe('in-chat payment in the browser', () => {
  let env: Awaited<ReturnType<typeof startServerWithVault>>;
  let visitorBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let agentBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let visitor: Page;
  let agent: Page;
  let frame: Frame;

  beforeAll(async () => {
    env = await startServerWithVault({ logLevel: 'warn' });
    visitorBrowser = await launchBrowser();
    agentBrowser = await launchBrowser();
    visitor = await firstPage(visitorBrowser.context);
    agent = await firstPage(agentBrowser.context);
  });

  afterAll(async () => {
    await visitorBrowser?.close();
    await agentBrowser?.close();
    await env?.close();
  });

  async function requestPayment(amount: string, description: string): Promise<void> {
    const view = agent.getByTestId('conversation-view');
    const before = await view.getByTestId('payment-card').count();
    await agent.getByRole('button', { name: 'Request payment' }).click();
    const form = agent.getByTestId('payment-form');
    await form.getByLabel('Amount').fill(amount);
    await form.getByLabel('Currency').selectOption('EUR');
    await form.getByLabel('What it is for').fill(description);
    await form.getByRole('button', { name: 'Send payment request' }).click();
    await expect.poll(() => view.getByTestId('payment-card').count()).toBe(before + 1);
  }

  /** Clicks Pay on the newest card in the chat frame; resolves to the pay window. */
  async function openPayWindow(): Promise<Page> {
    const card = frame.getByTestId('payment-card').last();
    await card.getByRole('button', { name: 'Pay' }).waitFor();
    const [popup] = await Promise.all([
      visitorBrowser.context.waitForEvent('page'),
      card.getByRole('button', { name: 'Pay' }).click(),
    ]);
    await popup.waitForURL((u) => u.origin === env.vault.url && u.pathname.startsWith('/pay/'));
    await popup.locator('#pay-form-section').waitFor();
    return popup;
  }

  async function payWith(popup: Page, number: string): Promise<void> {
    await popup.getByLabel('Card number').fill(number);
    await popup.getByLabel('Expiry date (MM/YY)').fill(EXPIRY);
    await popup.getByLabel('Security code').fill('737');
    await popup.getByLabel('Name on card').fill('Vera Visitor');
    await popup.locator('#pay-submit').click();
  }

  const lastStatus = (where: Page | Frame) =>
    where.getByTestId('payment-card').last().getAttribute('data-status');

  it('opens a conversation: the visitor writes, a supervisor accepts', async () => {
    await visitor.goto(`${env.server.url}/demo`);
    await clickLauncher(visitor);
    frame = await chatFrame(visitor);
    await frame.getByLabel('Your name (optional)').fill('Vera');
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await frame.getByTestId('connection-status').getByText('Connected').waitFor();
    await frame.getByLabel('Message').fill('I would like to pay for order 1042');
    await frame.getByRole('button', { name: 'Send' }).click();

    const sup = await env.server.createAgent('supervisor');
    await agent.goto(env.server.url);
    await agent.getByLabel('E-mail').fill(sup.email);
    await agent.getByLabel('Password').fill(sup.password);
    await agent.getByRole('button', { name: 'Sign in', exact: true }).click();
    await agent
      .getByTestId('queue-waiting')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Vera' })
      .click();
    await agent.getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => agent.getByTestId('conversation-status').textContent()).toBe('active');
  });

  it('the agent requests a payment and the visitor pays with 4242 4242 4242 4242 in the vault window; both see it paid and chat on', async () => {
    await requestPayment('12.50', 'Order 1042');
    const card = frame.getByTestId('payment-card').last();
    await expect.poll(() => card.getByTestId('payment-amount').textContent()).toMatch(/12\.50/);
    await screenshot(visitor, 'payment-visitor-card');

    const popup = await openPayWindow();
    // The pay window shows the merchant, the amount, what it is for, and that the agent cannot see it.
    await expect.poll(() => popup.locator('#pay-amount').textContent()).toMatch(/12\.50/);
    expect(await popup.locator('#pay-description').textContent()).toContain('Order 1042');
    expect(await popup.locator('#pay-safety-note').textContent()).toMatch(
      /agent in the chat cannot see/,
    );
    await expect.poll(() => lastStatus(agent)).toBe('opened');
    // The chat stays usable while the pay window is open.
    await frame.getByLabel('Message').fill('Paying now');
    await frame.getByRole('button', { name: 'Send' }).click();
    await agent.getByTestId('message').filter({ hasText: 'Paying now' }).waitFor();
    await screenshot(popup, 'payment-window');

    await payWith(popup, '4242 4242 4242 4242');
    await popup.locator('#pay-success').waitFor();
    await screenshot(popup, 'payment-window-success');
    await expect.poll(() => lastStatus(frame), { timeout: 15_000 }).toBe('succeeded');
    // Issue 15 item 8: after paying, focus moves to the outcome in the chat, which is announced.
    const result = frame.getByTestId('payment-result').last();
    await expect
      .poll(() => frame.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('payment-result');
    expect(await result.getAttribute('role')).toBe('alert');
    expect(await result.textContent()).toMatch(/12\.50.*Paid/);
    await expect.poll(() => lastStatus(agent), { timeout: 15_000 }).toBe('succeeded');
    const agentCard = agent.getByTestId('payment-card').last();
    expect(await agentCard.getByTestId('payment-card-info').textContent()).toMatch(
      /visa •••• 4242/,
    );
    expect(await agentCard.getByTestId('payment-reference').textContent()).toMatch(/^test_ch_/);
    await popup.close();

    await agent.getByLabel('Reply').fill('Thank you, payment received!');
    await agent.getByLabel('Reply').press('Enter');
    await frame.getByTestId('message').filter({ hasText: 'payment received' }).waitFor();
    await frame.getByLabel('Message').fill('Great, thanks');
    await frame.getByRole('button', { name: 'Send' }).click();
    await agent.getByTestId('message').filter({ hasText: 'Great, thanks' }).waitFor();
    await screenshot(visitor, 'payment-visitor-paid');
    await screenshot(agent, 'payment-agent-paid');
  });

  it('a supervisor refunds part of it', async () => {
    const card = agent.getByTestId('payment-card').last();
    await card.getByRole('button', { name: 'Refund…' }).click();
    // Issue 16: full or partial is chosen explicitly, then confirmed with the amount spelled out.
    await card.getByRole('button', { name: 'Review refund' }).click();
    await card
      .getByRole('alert')
      .filter({ hasText: 'Choose a full or a partial refund' })
      .waitFor();
    await card.getByLabel('Partial refund').check();
    await card.getByLabel(/Refund amount/).fill('2.50');
    await card.getByRole('button', { name: 'Review refund' }).click();
    expect(await card.getByTestId('refund-confirm-text').textContent()).toMatch(
      /Refund €2\.50 of €12\.50/,
    );
    await card.getByRole('button', { name: /Confirm refund of €2\.50/ }).click();
    await expect
      .poll(() =>
        card
          .getByTestId('payment-refunded')
          .textContent()
          .catch(() => null),
      )
      .toMatch(/2\.50/);
  });

  it('a declined card (4000 0000 0000 0002) fails on both sides', async () => {
    await requestPayment('5', 'Gift wrap');
    const popup = await openPayWindow();
    await payWith(popup, '4000 0000 0000 0002');
    await popup.locator('#pay-failure').waitFor();
    await expect.poll(() => lastStatus(frame), { timeout: 15_000 }).toBe('failed');
    await expect.poll(() => lastStatus(agent), { timeout: 15_000 }).toBe('failed');
    await screenshot(agent, 'payment-agent-declined');
    await popup.close();
  });

  it('a 3-D Secure challenge (4000 0027 6000 3184) approved succeeds', async () => {
    await requestPayment('20', 'Express shipping');
    const popup = await openPayWindow();
    await payWith(popup, '4000 0027 6000 3184');
    await popup.locator('#pay-challenge').waitFor();
    await expect.poll(() => lastStatus(agent), { timeout: 15_000 }).toBe('requires_action');
    await screenshot(popup, 'payment-window-3ds');
    await popup.getByRole('button', { name: 'Approve' }).click();
    await popup.locator('#pay-success').waitFor();
    await expect.poll(() => lastStatus(frame), { timeout: 15_000 }).toBe('succeeded');
    await expect.poll(() => lastStatus(agent), { timeout: 15_000 }).toBe('succeeded');
    await popup.close();
  });

  it('a 3-D Secure challenge denied fails', async () => {
    await requestPayment('20', 'Express shipping again');
    const popup = await openPayWindow();
    await payWith(popup, '4000 0027 6000 3184');
    await popup.locator('#pay-challenge').waitFor();
    await popup.getByRole('button', { name: 'Deny' }).click();
    await popup.locator('#pay-failure').waitFor();
    await expect.poll(() => lastStatus(frame), { timeout: 15_000 }).toBe('failed');
    await expect.poll(() => lastStatus(agent), { timeout: 15_000 }).toBe('failed');
    await popup.close();
    await screenshot(visitor, 'payment-visitor-all');
    // And the chat still works.
    await frame.getByLabel('Message').fill('Bye!');
    await frame.getByRole('button', { name: 'Send' }).click();
    await agent.getByTestId('message').filter({ hasText: 'Bye!' }).waitFor();
  });
});

async function firstPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ?? (await context.newPage());
}
