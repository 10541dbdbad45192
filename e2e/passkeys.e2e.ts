import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { launchBrowser, screenshot } from './browser';

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the console's CSP forbids inline scripts, rightly.
  await page.evaluate(axeSource);
  const ids = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(): Promise<{ violations: { id: string; impact: string | null }[] }> };
      }
    ).axe;
    const r = await axe.run();
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id);
  });
  return ids;
}

// A passkey registered from the console with Chromium's virtual authenticator
// (DevTools protocol WebAuthn domain), then the only thing used to sign in.
describe('passkeys in the console (Chromium virtual authenticator)', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId = '';
  let agent: { email: string; password: string; id: string };

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    agent = await server.createAgent('agent');
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    cdp = await browser.context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    }));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('registers a named passkey from the console', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('E-mail').fill(agent.email);
    await page.getByLabel('Password').fill(agent.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('agent-name').waitFor();
    await page.getByRole('link', { name: 'Passkeys' }).click();
    await page.getByRole('heading', { name: 'Passkeys' }).waitFor();
    await page.getByTestId('passkeys-empty').waitFor();
    await page.getByLabel('Name of the new passkey').fill('Virtual laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByTestId('passkey-row').waitFor();
    expect(await page.getByTestId('passkey-row').textContent()).toContain('Virtual laptop');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.isResidentCredential).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'passkeys-list');
  });

  it('signs out and signs in with the passkey only (no e-mail, no password)', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByTestId('agent-name').waitFor();
    expect(await page.getByTestId('agent-name').textContent()).toBe(
      (await server.server.store.agents.byId(server.orgId, agent.id))?.name,
    );
    const signIns = await server.server.store.db
      .selectFrom('audit_log')
      .select('detail')
      .where('actor_id', '=', agent.id)
      .where('action', '=', 'auth.sign_in')
      .where('outcome', '=', 'success')
      .execute();
    expect(signIns.some((r) => r.detail.includes('"passkey"'))).toBe(true);
    await screenshot(page, 'passkeys-signed-in');
  });
});
