import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Availability, BusinessHours, Team } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { storeTargets, suiteName } from '../../../test/store-fixtures';
import { AgentClient } from '../../../test/clients';

// Issue 15 item 2 "per team": the offline decision is the team's (the website's data-team or the
// visitor's pre-chat choice), not the whole organisation's.
for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(
    suiteName(target, 'offline mode per team'),
    () => {
      let t: TestServer;
      let admin: AgentClient;
      beforeAll(async () => {
        t = await startTestServer({
          logLevel: 'warn',
          ...(target.name === 'postgres' ? { store: await target.create() } : {}),
        });
        admin = new AgentClient(t.url);
        await admin.login(t.admin.email, t.admin.password);
      });
      afterAll(async () => {
        await t?.close();
      });

      const availability = async (team?: string) =>
        (await (
          await fetch(
            `${t.url}/api/widget/availability?org=${t.orgKey}${team ? `&team=${team}` : ''}`,
          )
        ).json()) as Availability;

      async function team(name: string, members: string[]): Promise<Team> {
        const res = await admin.request('POST', '/api/teams', { name, routing: 'queue' });
        const { team: created } = (await res.json()) as { team: Team };
        const set = await admin.request('PUT', `/api/teams/${created.id}/members`, {
          agentIds: members,
        });
        expect(set.status).toBe(200);
        return created;
      }

      it("answers for the asked team: its online member counts, another team's does not", async () => {
        const ada = await t.createAgent('agent');
        const bob = await t.createAgent('agent');
        const sales = await team('Sales', [ada.id]);
        const support = await team('Support', [bob.id]);
        const client = new AgentClient(t.url);
        await client.login(ada.email, ada.password);
        const socket = await client.socket();
        await socket.next('ready');
        await expect.poll(async () => (await availability(sales.id)).available).toBe(true);
        expect(await availability(sales.id)).toMatchObject({ available: true, reason: 'open' });
        // Support's only member is not online: that team is away, though the organisation is not.
        expect(await availability(support.id)).toMatchObject({ available: false, reason: 'away' });
        expect((await availability()).available).toBe(true);
        // An unknown team has nobody.
        expect((await availability('no-such-team')).available).toBe(false);

        // Business hours still come first: closed for every team.
        const closed: BusinessHours = {
          enabled: true,
          timeZone: 'Pacific/Kiritimati',
          week: [[], [], [], [], [], [], []],
          offlineText: 'Closed',
        };
        expect((await admin.request('PUT', '/api/settings/hours', closed)).status).toBe(200);
        expect(await availability(sales.id)).toMatchObject({ available: false, reason: 'closed' });
        expect(
          (await admin.request('PUT', '/api/settings/hours', { ...closed, enabled: false })).status,
        ).toBe(200);

        // Ada goes: Sales is away now.
        socket.close();
        await expect.poll(async () => (await availability(sales.id)).reason).toBe('away');
      });
    },
  );
}
