import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/test/test-server';
import { newVisitor } from '../apps/server/test/clients';
import { launchBrowser, screenshot } from './browser';
import { seriousViolations } from './axe';

// A supervisor opens Reports from the desk's top bar: the totals, the chart (uPlot, a chunk
// of its own), the table per day and per agent, and the CSV; at desktop and phone widths.
describe('reports in the console (browser)', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const scripts: string[] = [];

  const signIn = async (email: string, password: string) => {
    await page.goto(server.url);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('connection-status').getByText('Live').waitFor();
  };

  beforeAll(async () => {
    server = await startTestServer({ logLevel: 'warn' });
    await newVisitor(server.url, server.orgKey, 'Rhea Report');
    await newVisitor(server.url, server.orgKey, 'Ravi Report');
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an agent has no Reports link and the page refuses it', async () => {
    const agent = await server.createAgent('agent');
    await signIn(agent.email, agent.password);
    expect(await page.getByRole('link', { name: 'Reports' }).count()).toBe(0);
    await page.goto(`${server.url}/reports`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByTestId('report-totals').count()).toBe(0);
    await browser.context.clearCookies();
  });

  it('a supervisor reads the totals, the chart and the table, loaded as their own chunk', async () => {
    const sup = await server.createAgent('supervisor');
    await signIn(sup.email, sup.password);
    const before = scripts.length;
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    const totals = page.getByTestId('report-totals');
    await totals.waitFor();
    expect(await totals.getByText('Conversations').locator('..').locator('dd').textContent()).toBe(
      '2',
    );
    await page.getByTestId('report-chart').locator('canvas').waitFor();
    // The chart library came in a chunk of its own, fetched for this page only.
    expect(scripts.slice(before).some((p) => /\/assets\/report-chart-[\w-]+\.js$/.test(p))).toBe(
      true,
    );
    const table = page.getByTestId('report-table');
    expect(await table.locator('tbody tr').count()).toBe(1);
    expect(await table.locator('tbody th').textContent()).toBe(
      new Date().toISOString().slice(0, 10),
    );
    await screenshot(page, 'reports-1280');
    expect(await seriousViolations(page, '[data-testid="reports"]')).toEqual([]);
    await page.setViewportSize({ width: 390, height: 800 });
    await screenshot(page, 'reports-390');
    expect(await seriousViolations(page, '[data-testid="reports"]')).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('per agent, and the CSV behind the download link', async () => {
    await page.getByLabel('Per').selectOption('agent');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect
      .poll(() => page.getByTestId('report-table').locator('tbody th').first().textContent())
      .toBe('No agent');
    const href = await page.getByTestId('report-csv').getAttribute('href');
    expect(href).toMatch(
      /^\/api\/reports\/export\.csv\?fromDay=\d{4}-\d{2}-\d{2}&toDay=\d{4}-\d{2}-\d{2}&by=agent$/,
    );
    const csv = await page.evaluate(async (u) => {
      const r = await fetch(u, { credentials: 'same-origin' });
      return { type: r.headers.get('content-type'), text: await r.text() };
    }, href!);
    expect(csv.type).toBe('text/csv; charset=utf-8');
    expect(csv.text.split('\r\n')[1]).toMatch(/^No agent,,2,0,/);
  });
});
