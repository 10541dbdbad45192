import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyError, type ReportOverview } from '@parley/protocol';
import type { Store } from '../../store';
import {
  seedAgent,
  seedOrg,
  seedVisitor,
  storeTargets,
  suiteName,
} from '../../../test/store-fixtures';
import type { AgentActor } from '../auth';
import { bindKeyring } from '../security';
import { presentReport, presentReportCsv } from './presenter';
import { createReportService } from './service';

/**
 * Report figures from a seeded set whose every number is worked out by hand
 * below, on both dialects (issue 17 item 6). Times are set through the real
 * write paths (accept, the append batch, close) at chosen instants.
 */
const D0 = Date.UTC(2026, 10, 2); // 2026-11-02, a Monday
const H = 3_600_000;
const S = 1000;

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'reports'), () => {
    let store: Store;
    let orgId: string;
    let supervisor: AgentActor;
    let ada: string;
    let bob: string;
    let sales: string;
    const report = (by: 'day' | 'team' | 'agent', actor = supervisor) =>
      createReportService({ store })
        .overview(actor, { from: D0, to: D0 + 2 * 24 * H, by })
        .then(presentReport);

    /** A conversation started at `at` (its created_at set), with what happened after. */
    async function chat(
      org: string,
      at: number,
      o: {
        team?: string;
        agent?: string;
        acceptAfter?: number;
        replyAfter?: number;
        closeAfter?: number;
        score?: number;
        payment?: {
          status: 'succeeded' | 'failed';
          amount: number;
          currency: string;
          refunded?: number;
        };
      },
    ) {
      const visitor = await seedVisitor(store, org);
      const c = await store.conversations.create({
        orgId: org,
        visitorId: visitor.id,
        teamId: o.team ?? null,
      });
      await store.db
        .updateTable('conversations')
        .set({ created_at: at, updated_at: at })
        .where('id', '=', c.id)
        .execute();
      const msg = (kind: 'visitor' | 'agent', when: number, text: string) =>
        store.messages.appendBatch(
          [
            {
              orgId: org,
              conversationId: c.id,
              senderKind: kind,
              senderId: kind === 'agent' ? o.agent! : visitor.id,
              clientMsgId: null,
              text,
              masked: [],
            },
          ],
          when,
        );
      await msg('visitor', at + S, 'hello');
      if (o.acceptAfter !== undefined)
        expect(await store.conversations.accept(org, c.id, o.agent!, at + o.acceptAfter)).toBe(
          true,
        );
      if (o.replyAfter !== undefined) {
        await msg('agent', at + o.replyAfter, 'how can I help?');
        // A later agent reply and a visitor message do not move the first response.
        await msg('visitor', at + o.replyAfter + 5 * S, 'thanks');
        await msg('agent', at + o.replyAfter + 10 * S, 'anything else?');
      }
      if (o.closeAfter !== undefined) await store.conversations.close(org, c.id, at + o.closeAfter);
      if (o.score !== undefined)
        await store.feedback.rate({
          orgId: org,
          conversationId: c.id,
          visitorId: visitor.id,
          agentId: o.agent ?? null,
          score: o.score,
          comment: null,
          masked: [],
          now: at + (o.closeAfter ?? 0) + S,
        });
      if (o.payment)
        await store.payments.upsert({
          id: `pay-${c.id}`,
          orgId: org,
          conversationId: c.id,
          status: o.payment.status,
          amount: o.payment.amount,
          currency: o.payment.currency,
          description: 'order',
          amountRefunded: o.payment.refunded ?? 0,
          brand: 'visa',
          last4: '4242',
          gatewayReference: null,
          failureMessage: null,
          vaultVersion: 1,
          createdAt: at + 10 * 60 * S,
          updatedAt: at + 10 * 60 * S,
        });
      return c.id;
    }

    beforeAll(async () => {
      store = await target.create();
      bindKeyring(store, { sealKey: randomBytes(32), auditKey: randomBytes(32) });
      const org = await seedOrg(store, 'Reports Ltd');
      orgId = org.id;
      ada = (await seedAgent(store, orgId, 'agent', 'Ada')).id;
      bob = (await seedAgent(store, orgId, 'agent', 'Bob')).id;
      const sup = await seedAgent(store, orgId, 'supervisor', 'Sue');
      supervisor = { kind: 'agent', agentId: sup.id, orgId, role: 'supervisor' };
      const team = await store.routing.createTeam({
        orgId,
        name: 'Sales',
        routing: 'queue',
        escalateAfterSeconds: 60,
        visitorChoice: false,
        now: D0,
      });
      sales = team!.id;
      // Day 1: c1 (Sales, Ada) wait 60 s, first reply 90 s, handled 540 s, rated 5, paid EUR 10.00 less 2.00.
      const c1 = await chat(orgId, D0 + H, {
        team: sales,
        agent: ada,
        acceptAfter: 60 * S,
        replyAfter: 90 * S,
        closeAfter: 600 * S,
        score: 5,
        payment: { status: 'succeeded', amount: 1000, currency: 'EUR', refunded: 200 },
      });
      // c2 (no team, Bob) wait 120 s, first reply 300 s, handled 1080 s, rated 3, a failed payment.
      await chat(orgId, D0 + 2 * H, {
        agent: bob,
        acceptAfter: 120 * S,
        replyAfter: 300 * S,
        closeAfter: 1200 * S,
        score: 3,
        payment: { status: 'failed', amount: 500, currency: 'EUR' },
      });
      // Day 2: c3 (Sales) nobody took it, closed: missed. c4 (Sales, Ada) taken after 30 s, open, paid USD 25.00.
      await chat(orgId, D0 + 25 * H, { team: sales, closeAfter: 1800 * S });
      await chat(orgId, D0 + 26 * H, {
        team: sales,
        agent: ada,
        acceptAfter: 30 * S,
        payment: { status: 'succeeded', amount: 2500, currency: 'USD' },
      });
      // Outside the range (the day before) and another organisation: never counted.
      await chat(orgId, D0 - H, { agent: ada, acceptAfter: S, replyAfter: 2 * S, score: 1 });
      // Started before the range, rated inside it (Bob, 2): the old ratings report counted it.
      await chat(orgId, D0 - 2 * H, { agent: bob, acceptAfter: S, closeAfter: 5 * H, score: 2 });
      const other = await seedOrg(store, 'Other Org');
      const eve = (await seedAgent(store, other.id, 'agent', 'Eve')).id;
      await chat(other.id, D0 + H, {
        agent: eve,
        acceptAfter: S,
        replyAfter: S,
        score: 1,
        payment: { status: 'succeeded', amount: 99_999, currency: 'EUR' },
      });
      const row = await store.db
        .selectFrom('conversations')
        .select(['assigned_at', 'first_response_at'])
        .where('id', '=', c1)
        .executeTakeFirstOrThrow();
      expect([Number(row.assigned_at), Number(row.first_response_at)]).toEqual([
        D0 + H + 60 * S,
        D0 + H + 90 * S,
      ]);
    }, 60_000);
    afterAll(async () => store?.close());

    it('per day: volume, missed, waiting, first response, handling, ratings, payments', async () => {
      const r = await report('day');
      expect(r.rows.map((x) => x.label)).toEqual(['2026-11-02', '2026-11-03']);
      const [d1, d2] = r.rows;
      expect(d1).toMatchObject({
        conversations: 2,
        missed: 0,
        waiting: { count: 2, averageMs: 90 * S },
        firstResponse: { count: 2, averageMs: 195 * S },
        handling: { count: 2, averageMs: 810 * S },
        ratings: { count: 2, average: 4 },
        payments: {
          count: 2,
          succeeded: 1,
          failed: 1,
          amounts: [{ currency: 'EUR', amount: 800 }],
        },
      });
      expect(d2).toMatchObject({
        conversations: 2,
        missed: 1,
        waiting: { count: 1, averageMs: 30 * S },
        firstResponse: { count: 0, averageMs: null },
        handling: { count: 0, averageMs: null },
        ratings: { count: 0, average: null },
        payments: {
          count: 1,
          succeeded: 1,
          failed: 0,
          amounts: [{ currency: 'USD', amount: 2500 }],
        },
      });
      expect(r.totals).toEqual({
        conversations: 4,
        missed: 1,
        waiting: { count: 3, averageMs: 70 * S },
        firstResponse: { count: 2, averageMs: 195 * S },
        handling: { count: 2, averageMs: 810 * S },
        ratings: { count: 2, average: 4 },
        payments: {
          count: 3,
          succeeded: 2,
          failed: 1,
          amounts: [
            { currency: 'EUR', amount: 800 },
            { currency: 'USD', amount: 2500 },
          ],
        },
      });
    });

    it('per team and per agent, with "none" last', async () => {
      const teams = await report('team');
      expect(teams.rows.map((x) => [x.key, x.label, x.conversations, x.missed])).toEqual([
        [sales, 'Sales', 3, 1],
        [null, 'No team', 1, 0],
      ]);
      expect(teams.rows[0]).toMatchObject({
        waiting: { count: 2, averageMs: 45 * S },
        firstResponse: { count: 1, averageMs: 90 * S },
        handling: { count: 1, averageMs: 540 * S },
        ratings: { count: 1, average: 5 },
        payments: { count: 2, succeeded: 2, failed: 0 },
      });
      const agents = await report('agent');
      expect(
        agents.rows.map((x) => [x.label, x.conversations, x.missed, x.ratings.average]),
      ).toEqual([
        ['Ada', 2, 0, 5],
        ['Bob', 1, 0, 3],
        ['No agent', 1, 1, null],
      ]);
      expect(agents.rows[1]).toMatchObject({
        key: bob,
        waiting: { averageMs: 120 * S },
        firstResponse: { averageMs: 300 * S },
        handling: { averageMs: 1080 * S },
        payments: { count: 1, failed: 1, amounts: [] },
      });
      // Every grouping adds up to the same totals.
      const byDay = await report('day');
      expect(teams.totals).toEqual(byDay.totals);
      expect(agents.totals).toEqual(byDay.totals);
    });

    it('refuses agents, other organisations and bad ranges', async () => {
      const agent: AgentActor = { kind: 'agent', agentId: ada, orgId, role: 'agent' };
      await expect(report('day', agent)).rejects.toMatchObject({ code: 'forbidden' });
      const token: AgentActor = {
        ...supervisor,
        role: 'admin',
        scopes: new Set(['conversation:read']),
      };
      await expect(report('day', token)).rejects.toBeInstanceOf(ParleyError);
      const scoped: AgentActor = { ...supervisor, role: 'admin', scopes: new Set(['report:read']) };
      expect((await report('day', scoped)).totals.conversations).toBe(4);
      const service = createReportService({ store });
      await expect(
        service.overview(supervisor, { from: D0, to: D0, by: 'day' }),
      ).rejects.toMatchObject({
        code: 'bad_request',
      });
      await expect(
        service.overview(supervisor, { from: 0, to: D0, by: 'day' }),
      ).rejects.toMatchObject({ code: 'bad_request' });
    });

    it('exports CSV: one line per bucket and a total, formulas defused', async () => {
      const r: ReportOverview = await report('agent');
      const csv = presentReportCsv(r);
      const lines = csv.trimEnd().split('\r\n');
      expect(lines[0]).toMatch(/^group,key,conversations,missed,waiting_avg_seconds/);
      expect(lines[1]).toBe(`Ada,${ada},2,0,45,90,540,1,5,2,2,0,EUR 800 USD 2500`);
      expect(lines.at(-1)).toBe('Total,,4,1,70,195,810,2,4,3,2,1,EUR 800 USD 2500');
      const evil = presentReportCsv({
        ...r,
        rows: [{ ...r.rows[0]!, label: '=HYPERLINK("http://x.example","a, b")' }],
      });
      expect(evil.split('\r\n')[1]).toMatch(/^"'=HYPERLINK\(""http:\/\/x\.example"",""a, b""\)",/);
    });

    it("rates on the overview's rule: conversations started in the range, their agent, report:read", async () => {
      const service = createReportService({ store });
      const range = { from: D0, to: D0 + 2 * 24 * H };
      const ratings = await service.ratings(supervisor, range);
      const overview = await report('agent');
      // c1 (Ada, 5) and c2 (Bob, 3); not Bob's 2 given in the range on a conversation started before.
      expect(ratings).toEqual({
        ...range,
        count: 2,
        average: 4,
        distribution: [0, 0, 1, 0, 1],
        agents: [
          { agentId: ada, name: 'Ada', count: 1, average: 5 },
          { agentId: bob, name: 'Bob', count: 1, average: 3 },
        ],
      });
      expect(ratings.count).toBe(overview.totals.ratings.count);
      expect(ratings.average).toBe(overview.totals.ratings.average);
      for (const a of ratings.agents)
        expect(overview.rows.find((r) => r.key === a.agentId)?.ratings).toEqual({
          count: a.count,
          average: a.average,
        });
      // The same permission, scope and range rules as the overview.
      const agent: AgentActor = { kind: 'agent', agentId: ada, orgId, role: 'agent' };
      await expect(service.ratings(agent, range)).rejects.toMatchObject({ code: 'forbidden' });
      const readOnly: AgentActor = { ...supervisor, scopes: new Set(['conversation:read']) };
      await expect(service.ratings(readOnly, range)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(service.ratings(supervisor, { from: 0, to: D0 })).rejects.toMatchObject({
        code: 'bad_request',
      });
    });

    it('audits each read and export: who, which report, the range', async () => {
      const service = createReportService({ store });
      const range = { from: D0, to: D0 + 2 * 24 * H };
      const before = (await store.audit.list(orgId, { limit: 100 })).length;
      await service.overview(
        supervisor,
        { ...range, by: 'team' },
        { format: 'json', ip: '192.0.2.7' },
      );
      await service.overview(
        supervisor,
        { ...range, by: 'day' },
        { format: 'csv', ip: '192.0.2.7' },
      );
      await service.ratings(supervisor, range, { format: 'json', ip: '192.0.2.7' });
      const entries = (await store.audit.list(orgId, { limit: 100 })).slice(0, 3).reverse();
      expect((await store.audit.list(orgId, { limit: 100 })).length).toBe(before + 3);
      expect(
        entries.map((e) => [
          e.action,
          e.actorId,
          e.resourceType,
          e.resourceId,
          e.ip,
          JSON.parse(e.detail) as unknown,
        ]),
      ).toEqual([
        [
          'report.read',
          supervisor.agentId,
          'report',
          'overview',
          '192.0.2.7',
          { ...range, by: 'team', format: 'json' },
        ],
        [
          'report.export',
          supervisor.agentId,
          'report',
          'overview',
          '192.0.2.7',
          { ...range, by: 'day', format: 'csv' },
        ],
        [
          'report.read',
          supervisor.agentId,
          'report',
          'ratings',
          '192.0.2.7',
          { ...range, format: 'json' },
        ],
      ]);
      // A refused read shows nothing and records nothing here (the route's refusal is logged as such).
      const agent: AgentActor = { kind: 'agent', agentId: ada, orgId, role: 'agent' };
      await expect(service.overview(agent, { ...range, by: 'day' })).rejects.toThrow();
      expect((await store.audit.list(orgId, { limit: 100 })).length).toBe(before + 3);
    });
  });
}
