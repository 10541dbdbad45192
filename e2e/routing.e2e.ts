import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Team } from '@parley/protocol';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { visitorSocket, type TestSocket } from '../apps/server/test/clients';
import { launchBrowser, screenshot } from './browser';
import { seriousViolations } from './axe';

// Two agents in two teams, each in their own browser: an admin sets the teams up on the Teams
// page, a visitor who picked Sales is routed to Ada automatically, Ada transfers the chat to Bob
// with a note, Bob accepts, and the visitor is told who they are talking to now.
describe('presence, teams, routing and transfer (browser)', () => {
  let server: TestServer;
  let one: Awaited<ReturnType<typeof launchBrowser>>;
  let two: Awaited<ReturnType<typeof launchBrowser>>;
  let ada: { id: string; email: string; password: string };
  let bob: { id: string; email: string; password: string };
  let pageA: Page;
  let pageB: Page;
  let vs: TestSocket | undefined;

  const signIn = async (page: Page, who: { email: string; password: string }) => {
    await page.goto(server.url);
    await page.getByLabel('E-mail').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('connection-status').getByText('Live').waitFor();
  };
  const noSerious = async (page: Page, selector: string) => {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 850 });
      // The thread's <li> in an <ol role="log"> is its structure (as in desk.e2e.ts, files.e2e.ts).
      const found = await seriousViolations(page, selector);
      expect(found.filter((v) => v.id !== 'listitem')).toEqual([]);
    }
    await page.setViewportSize({ width: 1280, height: 850 });
  };

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn', env: { PARLEY_ROUTING_SWEEP_MS: '300' } });
    ada = await server.createAgent('agent');
    bob = await server.createAgent('agent');
    one = await launchBrowser();
    two = await launchBrowser();
    pageA = one.context.pages()[0] ?? (await one.context.newPage());
    pageB = two.context.pages()[0] ?? (await two.context.newPage());
  }, 120_000);

  afterAll(async () => {
    vs?.close();
    await one?.close();
    await two?.close();
    await server?.close();
  });

  it('an admin creates two teams with their routing and members on the Teams page', async () => {
    await signIn(pageA, server.admin);
    await pageA.getByRole('link', { name: 'Teams' }).click();
    await pageA.getByTestId('teams-settings').waitFor();
    const add = async (name: string, routing: string, member: string) => {
      await pageA.getByLabel('Name', { exact: true }).fill(name);
      await pageA.getByLabel('Routing').selectOption(routing);
      await pageA.getByRole('button', { name: 'Add team' }).click();
      await pageA.getByTestId('teams-status').getByText(`Saved team ${name}.`).waitFor();
      const row = pageA.getByTestId('team').filter({ hasText: name });
      await row.getByRole('checkbox', { name: member, exact: true }).click();
      await pageA.getByTestId('teams-status').getByText(`${name} has 1 member.`).waitFor();
    };
    await add('Sales', 'round_robin', 'agent 1');
    await add('Support', 'queue', 'agent 2');
    await screenshot(pageA, 'console-teams');
    await noSerious(pageA, '[data-testid="teams-settings"]');
    await pageA.getByRole('link', { name: 'Back to conversations' }).click();
    await pageA.getByRole('button', { name: 'Sign out' }).click();
    await pageA.getByLabel('E-mail').waitFor();
  });

  it('routes a visitor who picked Sales to the online Sales agent, who transfers to Bob; Bob accepts', async () => {
    await signIn(pageA, ada);
    await signIn(pageB, bob);
    // Ada's own status is online; the picker says so.
    expect(await pageA.getByLabel('Your status').inputValue()).toBe('online');

    const teams = (await (
      await fetch(`${server.url}/api/widget/config?org=${server.orgKey}`)
    ).json()) as { teams: Pick<Team, 'id' | 'name'>[]; available: boolean };
    expect(teams.available).toBe(true);
    const sales = teams.teams.find((t) => t.name === 'Sales')!;
    const session = (await (
      await fetch(`${server.url}/api/visitor/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orgKey: server.orgKey, name: 'Rita Routed' }),
      })
    ).json()) as { token: string };
    const conv = (await (
      await fetch(`${server.url}/api/visitor/conversations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
        body: JSON.stringify({ teamId: sales.id }),
      })
    ).json()) as { id: string };
    vs = await visitorSocket(server.url, session.token);
    await vs.resume(conv.id);

    // Assigned to Ada without anyone accepting it.
    const mine = pageA
      .getByTestId('list-mine')
      .getByTestId('conversation-item')
      .filter({ hasText: 'Rita' });
    await mine.waitFor({ timeout: 10_000 });
    await mine.click();
    const viewA = pageA.getByTestId('conversation-view');
    await viewA.getByText('Assigned to you').waitFor();
    await pageA.getByLabel('Reply').fill('Hello Rita, one moment please.');
    await pageA.getByLabel('Reply').press('Enter');
    await vs.next('message', (m) => m.text === 'Hello Rita, one moment please.');

    await viewA.getByRole('button', { name: 'Transfer' }).click();
    const form = viewA.getByTestId('transfer-form');
    await form.getByLabel('Transfer to').selectOption(`agent:${bob.id}`);
    await form
      .getByLabel(/Note for the receiver/)
      .fill('Wants to change the delivery (route-note-marker)');
    await screenshot(pageA, 'console-transfer-form');
    await noSerious(pageA, '[data-testid="conversation-view"]');
    await form.getByRole('button', { name: 'Offer transfer' }).click();
    await viewA
      .getByTestId('transfer-event')
      .filter({ hasText: 'waiting for an answer' })
      .waitFor();

    const offer = pageB.getByTestId('transfer-offer');
    await offer.getByText('route-note-marker').waitFor({ timeout: 10_000 });
    await screenshot(pageB, 'console-transfer-offer');
    await pageB.setViewportSize({ width: 390, height: 850 });
    expect(await seriousViolations(pageB, '.routing-alerts')).toEqual([]);
    await pageB.setViewportSize({ width: 1280, height: 850 });
    await offer.getByRole('button', { name: 'Accept transfer' }).click();
    const viewB = pageB.getByTestId('conversation-view');
    await viewB.getByText('Assigned to you').waitFor();
    await viewB.getByTestId('transfer-event').filter({ hasText: 'accepted by you' }).waitFor();

    const told = await vs.next('message', (m) => m.text.startsWith('You are now talking to'));
    expect(told.text).toBe('You are now talking to agent 2.');
    expect(JSON.stringify(vs.frames)).not.toContain('route-note-marker');
    await viewA.getByTestId('transfer-event').filter({ hasText: 'accepted by agent 2' }).waitFor();
    await viewA.getByText('Another agent is handling this conversation.').waitFor();

    await pageB.getByLabel('Reply').fill('Hi Rita, Bob here.');
    await pageB.getByLabel('Reply').press('Enter');
    await vs.next('message', (m) => m.text === 'Hi Rita, Bob here.');
    await noSerious(pageB, '[data-testid="conversation-view"]');

    // Bob steps away by hand: Support (Bob alone) has nobody to answer, Sales (Ada) still has.
    const support = teams.teams.find((t) => t.name === 'Support')!;
    await pageB.getByLabel('Your status').selectOption('away');
    await expect
      .poll(() => server.server.routing.isAnyAgentAvailable(server.orgId, support.id))
      .toBe(false);
    expect(await server.server.routing.isAnyAgentAvailable(server.orgId, sales.id)).toBe(true);
    await screenshot(pageB, 'console-routing-phone');
  });
});
