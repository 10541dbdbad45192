import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticator } from 'otplib';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { newVisitor, visitorSocket } from '../apps/server/test/clients';
import { startSmtp } from '../apps/server/test/smtp';
import { LOCKOUT, accountKey } from '../apps/server/src/modules/auth';
import { launchBrowser, screenshot } from './browser';

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** axe-core in the page (evaluated through DevTools, so the strict CSP need not allow it). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(): Promise<{ violations: { id: string; impact: string | null; nodes: unknown[] }[] }>;
        };
      }
    ).axe;
    const r = await axe.run();
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length }));
  });
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}, ${v.n} nodes)`);
}

/** True when every recovery code sits on one line (no code breaks across lines). */
const codesOnOneLine = (page: Page) =>
  page.getByTestId('recovery-codes').evaluate((ul) =>
    [...ul.querySelectorAll('code')].every((c) => {
      const lineHeight = parseFloat(getComputedStyle(c).lineHeight) || 20;
      return c.getClientRects().length === 1 && c.getBoundingClientRect().height < lineHeight * 1.6;
    }),
  );

describe('account self-service and the idle lock (issue 10 items 14, 15)', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let ada: { email: string; password: string; id: string };
  let password = '';
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer({
      logLevel: 'warn',
      env: {
        PARLEY_SMTP_HOST: '127.0.0.1',
        PARLEY_SMTP_PORT: String(smtp.port),
        PARLEY_SMTP_SECURITY: 'none',
        PARLEY_SMTP_FROM: 'Parley <parley@example.test>',
      },
    });
    ada = await server.createAgent('agent');
    password = ada.password;
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // The console's idle timer runs on a clock the test can move (Playwright's page.clock).
    await page.clock.install();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('changes the display name and the password, sets up an authenticator and shows recovery codes that never wrap', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('E-mail').fill(ada.email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('agent-name').click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();

    await page.getByLabel('Name customers and colleagues see').fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Save name' }).click();
    await expect
      .poll(() => page.getByTestId('profile-notice').textContent())
      .toMatch(/name was saved/);

    const next = 'correct horse battery staple 42';
    await page.getByLabel('Current password').fill(password);
    await page.getByLabel('New password').fill(next);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect
      .poll(() => page.getByTestId('profile-notice').textContent())
      .toMatch(/password was changed/);
    password = next;

    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = ((await page.getByTestId('enrol-secret').textContent()) ?? '').trim();
    expect(secret).toMatch(/^[A-Z2-7]+$/);
    await page.getByLabel('Code', { exact: true }).fill(authenticator.generate(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByTestId('recovery-block').waitFor();
    expect(await page.getByTestId('recovery-codes').locator('li').count()).toBe(10);
    expect(await codesOnOneLine(page)).toBe(true);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download' }).click();
    expect((await download).suggestedFilename()).toBe('parley-recovery-codes.txt');

    const sessions = page.getByTestId('session-row');
    await sessions.first().waitFor();
    expect(await sessions.count()).toBe(1);
    expect(await sessions.first().textContent()).toContain('This device');
    expect(await sessions.first().textContent()).toContain('Chrome');

    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'account-profile-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await codesOnOneLine(page)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'account-profile-390');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await expect.poll(() => page.getByTestId('totp-status').textContent()).toMatch(/on/);
  });

  it('locks in place after the idle timeout: no conversation in the page, waiting chats still announced; the password brings back the same view and draft', async () => {
    const v = await newVisitor(server.url, server.orgKey, 'Vera Visitor');
    const vs = await visitorSocket(server.url, v.token);
    vs.send({
      type: 'send',
      clientMsgId: 'm1',
      conversationId: v.conversationId,
      text: 'Where is parcel SECRETWORD?',
    });
    await vs.next('ack');

    await page.goto(`${server.url}/`);
    const item = page.getByTestId('queue-waiting').getByTestId('conversation-item').first();
    await item.click();
    await page.getByRole('button', { name: 'Accept' }).click();
    const view = page.getByTestId('conversation-view');
    await view.getByTestId('message').filter({ hasText: 'SECRETWORD' }).waitFor();
    await page.getByLabel('Reply').fill('Let me check that for y');

    // Fifteen quiet minutes: the warning, then the lock.
    await page.clock.fastForward('13:30');
    await page.getByTestId('idle-warning').waitFor();
    await page.clock.fastForward('02:00');
    await page.getByTestId('lock-screen').waitFor();
    // Content is gone from the DOM, not hidden; the server serves a locked session no data.
    expect(await page.content()).not.toContain('SECRETWORD');
    expect(await page.getByTestId('conversation-view').count()).toBe(0);
    await expect
      .poll(() => page.evaluate(async () => (await fetch('/api/conversations')).status))
      .toBe(423);

    // A new chat while locked: the count rises and the chime plays.
    await expect.poll(() => page.getByTestId('locked-waiting').textContent()).toMatch(/^0 chats/);
    await newVisitor(server.url, server.orgKey, 'Walt Waiting');
    await page.clock.fastForward('00:11');
    await expect.poll(() => page.getByTestId('locked-waiting').textContent()).toMatch(/1 chat is/);
    expect(Number(await page.getByTestId('lock-screen').getAttribute('data-chimes'))).toBe(1);

    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'account-locked-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'account-locked-390');
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByLabel('Password').fill('not my password');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => page.getByTestId('unlock-error').textContent()).toMatch(/wrong/);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByTestId('conversation-view').waitFor();
    await view.getByTestId('message').filter({ hasText: 'SECRETWORD' }).waitFor();
    expect(await page.getByLabel('Reply').inputValue()).toBe('Let me check that for y');
    await expect.poll(() => page.getByTestId('connection-status').textContent()).toBe('Live');
    vs.close();
  });

  it('an admin confirms destructive acts in a dialog, and a password reset shows the new one-time password once', async () => {
    const target = await server.createAgent('agent');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('E-mail').fill(server.admin.email);
    await page.getByLabel('Password').fill(server.admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('agent-name').waitFor();
    await page.goto(`${server.url}/agents`);
    const row = page.getByTestId('agent-row').filter({ hasText: target.email });
    await row.getByRole('button', { name: 'Deactivate' }).click();
    const dialog = page.getByRole('dialog', { name: /Deactivate/ });
    await dialog.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await row.textContent()).toContain('active');

    await row.getByRole('button', { name: 'Reset password' }).click();
    await page
      .getByRole('dialog', { name: /Reset .* password/ })
      .getByRole('button', { name: 'Reset password' })
      .click();
    const shown = page.getByTestId('one-time-password');
    await shown.waitFor();
    const oneTime = /: (\S+)$/.exec(((await shown.textContent()) ?? '').trim())?.[1] ?? '';
    expect(oneTime.length).toBeGreaterThanOrEqual(16);
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(server.url).origin },
      body: JSON.stringify({ email: target.email, password: oneTime }),
    });
    expect(((await login.json()) as { stage: string }).stage).toBe('password_change');
    await page.setViewportSize({ width: 390, height: 844 });
    await row.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByRole('dialog', { name: /Deactivate/ }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click();
    await expect.poll(() => row.textContent()).toContain('deactivated');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('a locked-out agent e-mails themselves an unlock link and lifts the lock from it', async () => {
    const cy = await server.createAgent('agent');
    const now = Date.now();
    for (let i = 0; i < LOCKOUT.max; i++)
      await server.server.store.security.reserveAttempt(accountKey(cy.id), now, LOCKOUT);
    await server.server.store.security.lock(accountKey(cy.id), now + LOCKOUT.lockMs);
    await page.context().clearCookies();
    await page.goto(`${server.url}/`);
    await page.getByLabel('E-mail').fill(cy.email);
    await page.getByLabel('Password').fill(cy.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByTestId('signin-error').textContent()).toMatch(/locked/);
    const before = smtp.received.length;
    await page.getByTestId('mail-unlock-link').click();
    await page.getByTestId('unlock-link-sent').waitFor();
    await smtp.waitFor(before + 1);
    const link = /(http\S+\/unlock#token=[A-Za-z0-9_-]+)/.exec(
      smtp.received[before]?.text ?? '',
    )?.[1];
    expect(link).toBeDefined();
    await page.goto(link ?? '');
    await page.getByRole('button', { name: 'Unlock my sign-in' }).click();
    await page.getByTestId('unlock-done').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Go to sign-in' }).click();
    await page.getByLabel('E-mail').fill(cy.email);
    await page.getByLabel('Password').fill(cy.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('agent-name').waitFor();
  });
});
