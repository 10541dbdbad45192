import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LAUNCHER_ICON_PATHS,
  WidgetConfigSchema,
  contrastRatio,
  type BrandingSettings,
} from '@parley/protocol';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient } from '../../../test/clients';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

async function admin(): Promise<AgentClient> {
  const a = new AgentClient(t.url);
  await a.login(t.admin.email, t.admin.password);
  return a;
}

const body = {
  colour: '#0f766e',
  position: 'left',
  offsetX: 32,
  offsetY: 48,
  launcherLabel: 'Chat with us',
  launcherIcon: 'headset',
  texts: {
    en: {
      greeting: 'Hello from the shop',
      offline: 'We are away',
      replyTime: 'Replies in an hour',
    },
    de: { greeting: 'Hallo aus dem Laden', replyTime: 'Antwort in einer Stunde' },
  },
};

async function widgetConfig(lang?: string) {
  const res = await fetch(
    `${t.url}/api/widget/config?org=${t.orgKey}${lang ? `&lang=${lang}` : ''}`,
  );
  expect(res.status).toBe(200);
  return WidgetConfigSchema.parse(await res.json());
}

describe('branding API', () => {
  it('answers the defaults until an admin saves, then the widget and the loader use the saved look', async () => {
    const a = await admin();
    const initial = (await (
      await a.request('GET', '/api/settings/branding')
    ).json()) as BrandingSettings;
    expect(initial).toMatchObject({
      colour: '#1f4fd1',
      position: 'right',
      version: 0,
      adjustedFrom: null,
    });
    expect(initial.contrast).toBeGreaterThanOrEqual(4.5);

    const res = await a.request('PUT', '/api/settings/branding', body);
    expect(res.status).toBe(200);
    const saved = (await res.json()) as BrandingSettings;
    expect(saved).toMatchObject({
      colour: '#0f766e',
      position: 'left',
      offsetX: 32,
      version: 1,
      adjustedFrom: null,
    });
    expect(await (await a.request('GET', '/api/settings/branding')).json()).toEqual(saved);

    const de = await widgetConfig('de-AT');
    expect(de.greeting).toBe('Hallo aus dem Laden');
    expect(de.branding).toMatchObject({
      colour: '#0f766e',
      position: 'left',
      offsetX: 32,
      offsetY: 48,
      launcherLabel: 'Chat with us',
      launcherIcon: 'headset',
      replyTime: 'Antwort in einer Stunde',
      // German has no offline text: English is the fallback.
      offline: 'We are away',
    });
    const fr = await widgetConfig('fr');
    expect(fr.greeting).toBe('Hello from the shop');
    expect(fr.branding?.replyTime).toBe('Replies in an hour');

    const loader = await fetch(`${t.url}/api/widget/loader?org=${t.orgKey}`, {
      headers: { origin: t.url },
    });
    expect(await loader.json()).toEqual({
      allowed: true,
      look: {
        colour: '#0f766e',
        position: 'left',
        offsetX: 32,
        offsetY: 48,
        label: 'Chat with us',
        icon: 'headset',
        iconPath: LAUNCHER_ICON_PATHS.headset,
      },
    });

    const entries = await t.server.store.audit.list(t.orgId, {
      action: 'settings.branding',
      limit: 5,
    });
    expect(entries[0]).toMatchObject({ action: 'settings.branding', outcome: 'success' });
  });

  it('never stores a colour that fails WCAG AA: it stores the darkened one and names the chosen one', async () => {
    const a = await admin();
    const res = await a.request('PUT', '/api/settings/branding', { ...body, colour: '#FFD700' });
    expect(res.status).toBe(200);
    const saved = (await res.json()) as BrandingSettings;
    expect(saved.adjustedFrom).toBe('#ffd700');
    expect(saved.colour).not.toBe('#ffd700');
    expect(contrastRatio(saved.colour, saved.textColour)).toBeGreaterThanOrEqual(4.5);
    const row = await t.server.store.branding.get(t.orgId);
    const stored = JSON.parse(row?.settings ?? '{}') as { colour: string };
    expect(contrastRatio(stored.colour, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect((await widgetConfig()).branding?.colour).toBe(saved.colour);
  });

  it('refuses what the widget cannot draw, with bad_request', async () => {
    const a = await admin();
    for (const bad of [
      { ...body, colour: 'red' },
      { ...body, position: 'top' },
      { ...body, offsetX: 500 },
      { ...body, launcherIcon: 'skull' },
      { colour: '#000000' },
    ]) {
      const res = await a.request('PUT', '/api/settings/branding', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
  });

  it('is for admins only', async () => {
    const agent = await t.createAgent('agent');
    const c = new AgentClient(t.url);
    await c.login(agent.email, agent.password);
    expect((await c.request('GET', '/api/settings/branding')).status).toBe(403);
    expect((await c.request('PUT', '/api/settings/branding', body)).status).toBe(403);
  });
});
