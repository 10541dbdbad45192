import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { presentFigures, presentReport } from './presenter';
import { createReportService, emptySums, type Sums } from './service';
import { localMidnight, nextDay, offsetSegments } from './zone';

/**
 * Reports per local day (issue 17 item 4) and the report queries against a
 * direct computation (item 5), on both dialects: the organisation's
 * business-hours zone decides which day a conversation belongs to, across DST.
 */
const H = 3_600_000;
const DAY = 24 * H;
const MIN = 60_000;

/** A small seeded generator (mulberry32): the same random data on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The local date of an instant, straight from Intl (not from the report's offsets). */
const localDate = (at: number, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(at));

describe('localMidnight', () => {
  it('is the instant a local day starts, on both sides of a DST change, and at a skipped midnight', () => {
    expect(localMidnight('UTC', '2026-03-29')).toBe(Date.UTC(2026, 2, 29));
    expect(localMidnight('Europe/Berlin', '2026-03-29')).toBe(Date.UTC(2026, 2, 28, 23)); // CET
    expect(localMidnight('Europe/Berlin', '2026-03-30')).toBe(Date.UTC(2026, 2, 29, 22)); // CEST
    expect(localMidnight('America/New_York', '2026-11-01')).toBe(Date.UTC(2026, 10, 1, 4)); // EDT
    expect(localMidnight('America/New_York', '2026-11-02')).toBe(Date.UTC(2026, 10, 2, 5)); // EST
    expect(localMidnight('Asia/Kathmandu', '2026-01-01')).toBe(Date.UTC(2025, 11, 31, 18, 15));
    // Santiago skips 00:00 on 6 Sep 2026 (clocks jump to 01:00): the day starts at that instant.
    expect(localMidnight('America/Santiago', '2026-09-06')).toBe(Date.UTC(2026, 8, 6, 4));
    expect(nextDay('2026-02-28')).toBe('2026-03-01');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
  });
});

describe('offsetSegments', () => {
  it('finds each DST change to the minute, and none where there is none', () => {
    const march = [Date.UTC(2026, 2, 1), Date.UTC(2026, 3, 1)] as const;
    expect(offsetSegments('Europe/Berlin', ...march)).toEqual([
      { until: Date.UTC(2026, 2, 29, 1), offsetMs: H },
      { until: march[1], offsetMs: 2 * H },
    ]);
    expect(offsetSegments('America/New_York', ...march)).toEqual([
      { until: Date.UTC(2026, 2, 8, 7), offsetMs: -5 * H },
      { until: march[1], offsetMs: -4 * H },
    ]);
    const fall = [Date.UTC(2026, 9, 1), Date.UTC(2026, 11, 1)] as const;
    expect(offsetSegments('America/New_York', ...fall)).toEqual([
      { until: Date.UTC(2026, 10, 1, 6), offsetMs: -4 * H },
      { until: fall[1], offsetMs: -5 * H },
    ]);
    expect(offsetSegments('Asia/Kathmandu', ...fall)).toEqual([
      { until: fall[1], offsetMs: 5 * H + 45 * MIN },
    ]);
    expect(offsetSegments('UTC', ...fall)).toEqual([{ until: fall[1], offsetMs: 0 }]);
  });
});

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(
    suiteName(target, 'reports per local day'),
    () => {
      let store: Store;
      beforeAll(async () => {
        store = await target.create();
        bindKeyring(store, { sealKey: randomBytes(32), auditKey: randomBytes(32) });
      });
      afterAll(async () => store?.close());

      async function orgIn(timeZone: string) {
        const org = await seedOrg(store, `Zone ${timeZone}`);
        await store.offline.setHours(
          org.id,
          { enabled: false, timeZone, week: [[], [], [], [], [], [], []], offlineText: '' },
          Date.now(),
        );
        const sup = await seedAgent(store, org.id, 'supervisor', 'Sue');
        const actor: AgentActor = {
          kind: 'agent',
          agentId: sup.id,
          orgId: org.id,
          role: 'supervisor',
        };
        return { orgId: org.id, actor };
      }

      async function started(orgId: string, at: number, extra: Record<string, unknown> = {}) {
        const v = await seedVisitor(store, orgId);
        const c = await store.conversations.create({ orgId, visitorId: v.id, teamId: null });
        await store.db
          .updateTable('conversations')
          .set({ created_at: at, updated_at: at, ...extra })
          .where('id', '=', c.id)
          .execute();
        return { id: c.id, visitorId: v.id };
      }

      const perDay = async (actor: AgentActor, from: number, to: number) =>
        presentReport(
          await createReportService({ store }).overview(actor, { from, to, by: 'day' }),
        ).rows.map((r) => [r.label, r.conversations]);

      it('Europe/Berlin: local midnights around the spring change (CET → CEST on 29 March)', async () => {
        const { orgId, actor } = await orgIn('Europe/Berlin');
        // 28 Mar 23:30 UTC = 29 Mar 00:30 CET; 29 Mar 21:30 UTC = 23:30 CEST; 22:30 UTC = 30 Mar 00:30 CEST.
        for (const at of [
          Date.UTC(2026, 2, 28, 22, 59, 59, 999), // 28 Mar 23:59:59.999 CET
          Date.UTC(2026, 2, 28, 23, 30),
          Date.UTC(2026, 2, 29, 21, 30),
          Date.UTC(2026, 2, 29, 21, 59, 59, 999),
          Date.UTC(2026, 2, 29, 22, 0), // 30 Mar 00:00 CEST
          Date.UTC(2026, 2, 29, 22, 30),
        ])
          await started(orgId, at);
        expect(await perDay(actor, Date.UTC(2026, 2, 27), Date.UTC(2026, 2, 31))).toEqual([
          ['2026-03-28', 1],
          ['2026-03-29', 3],
          ['2026-03-30', 2],
        ]);
      });

      it("a range of whole local days (fromDay..toDay) starts and ends at the zone's midnights", async () => {
        const { orgId, actor } = await orgIn('Europe/Berlin');
        for (const at of [
          Date.UTC(2026, 5, 9, 21, 59), // 9 Jun 23:59 CEST: before the range
          Date.UTC(2026, 5, 9, 22, 0), // 10 Jun 00:00 CEST: its first instant
          Date.UTC(2026, 5, 11, 21, 59, 59, 999), // 11 Jun 23:59:59.999 CEST: its last
          Date.UTC(2026, 5, 11, 22, 0), // 12 Jun 00:00 CEST: after it
        ])
          await started(orgId, at);
        const report = presentReport(
          await createReportService({ store }).overview(actor, {
            fromDay: '2026-06-10',
            toDay: '2026-06-11',
            by: 'day',
          }),
        );
        expect(report.timeZone).toBe('Europe/Berlin');
        expect(report.from).toBe(Date.UTC(2026, 5, 9, 22));
        expect(report.to).toBe(Date.UTC(2026, 5, 11, 22));
        expect(report.rows.map((r) => [r.label, r.conversations])).toEqual([
          ['2026-06-10', 1],
          ['2026-06-11', 1],
        ]);
      });

      it('America/New_York: local midnights around the autumn change (EDT → EST on 1 November)', async () => {
        const { orgId, actor } = await orgIn('America/New_York');
        for (const at of [
          Date.UTC(2026, 10, 1, 3, 30), // 31 Oct 23:30 EDT
          Date.UTC(2026, 10, 1, 4, 0), // 1 Nov 00:00 EDT
          Date.UTC(2026, 10, 2, 4, 30), // 1 Nov 23:30 EST (a 25-hour day)
          Date.UTC(2026, 10, 2, 5, 0), // 2 Nov 00:00 EST
          Date.UTC(2026, 10, 2, 5, 30),
        ])
          await started(orgId, at);
        expect(await perDay(actor, Date.UTC(2026, 9, 30), Date.UTC(2026, 10, 4))).toEqual([
          ['2026-10-31', 1],
          ['2026-11-01', 2],
          ['2026-11-02', 2],
        ]);
        // And the spring change (8 March): 7 Mar 23:30 EST and 8 Mar 23:30 EDT.
        await started(orgId, Date.UTC(2026, 2, 8, 4, 30));
        await started(orgId, Date.UTC(2026, 2, 9, 3, 30));
        await started(orgId, Date.UTC(2026, 2, 9, 4, 0)); // 9 Mar 00:00 EDT
        expect(await perDay(actor, Date.UTC(2026, 2, 6), Date.UTC(2026, 2, 11))).toEqual([
          ['2026-03-07', 1],
          ['2026-03-08', 1],
          ['2026-03-09', 1],
        ]);
      });

      it('an organisation without business hours keeps UTC days', async () => {
        const org = await seedOrg(store, 'No hours');
        const sup = await seedAgent(store, org.id, 'supervisor', 'Sam');
        const actor: AgentActor = {
          kind: 'agent',
          agentId: sup.id,
          orgId: org.id,
          role: 'supervisor',
        };
        await started(org.id, Date.UTC(2026, 2, 28, 23, 30));
        expect(await perDay(actor, Date.UTC(2026, 2, 27), Date.UTC(2026, 2, 31))).toEqual([
          ['2026-03-28', 1],
        ]);
      });

      for (const timeZone of ['America/New_York', 'Europe/Berlin', 'Asia/Kathmandu']) {
        it(`random data in ${timeZone}: every grouping equals a direct computation from the rows`, async () => {
          const { orgId, actor } = await orgIn(timeZone);
          const rand = prng(timeZone.length * 7919);
          const agents = [
            (await seedAgent(store, orgId, 'agent', 'Ada')).id,
            (await seedAgent(store, orgId, 'agent', 'Bob')).id,
          ];
          const team = (await store.routing.createTeam({
            orgId,
            name: 'Sales',
            routing: 'queue',
            escalateAfterSeconds: 60,
            visitorChoice: false,
            now: Date.now(),
          }))!.id;
          const from = Date.UTC(2026, 9, 20, 3);
          const to = Date.UTC(2026, 10, 8, 17);
          for (let i = 0; i < 160; i++) {
            // Some a little outside the range, some on a local midnight.
            let at = from - 2 * H + Math.floor(rand() * (to - from + 4 * H));
            if (rand() < 0.15)
              at = Date.parse(`${localDate(at, timeZone)}T00:00:00Z`) - offsetFor(at);
            const taken = rand() < 0.8;
            const assigned = taken ? at + Math.floor(rand() * 300_000) : null;
            const replied = taken && rand() < 0.8 ? assigned! + Math.floor(rand() * 90_000) : null;
            const closed = rand() < 0.85 ? (assigned ?? at) + Math.floor(rand() * 3_600_000) : null;
            const agent = taken ? agents[Math.floor(rand() * 2)]! : null;
            const c = await started(orgId, at, {
              status: closed ? 'closed' : taken ? 'active' : 'waiting',
              agent_id: agent,
              team_id: rand() < 0.6 ? team : null,
              assigned_at: assigned,
              first_response_at: replied,
              closed_at: closed,
            });
            if (closed && rand() < 0.5)
              await store.feedback.rate({
                orgId,
                conversationId: c.id,
                visitorId: c.visitorId,
                agentId: agent,
                score: 1 + Math.floor(rand() * 5),
                comment: null,
                masked: [],
                now: closed + 1000,
              });
            if (taken && rand() < 0.4)
              await store.payments.upsert({
                id: `pay-${c.id}`,
                orgId,
                conversationId: c.id,
                status: rand() < 0.6 ? 'succeeded' : rand() < 0.5 ? 'failed' : 'opened',
                amount: 100 + Math.floor(rand() * 10_000),
                currency: rand() < 0.5 ? 'EUR' : 'USD',
                description: 'order',
                amountRefunded: rand() < 0.2 ? 50 : 0,
                brand: 'visa',
                last4: '4242',
                gatewayReference: null,
                failureMessage: null,
                vaultVersion: 1,
                // Payments are counted by when they were requested: near the end of the range too.
                createdAt: at + Math.floor(rand() * 6 * H),
                updatedAt: at + Math.floor(rand() * 6 * H),
              });
          }
          function offsetFor(at: number) {
            return offsetSegments(timeZone, at - DAY, at + DAY).find((z) => at < z.until)!.offsetMs;
          }

          const expected = await direct(store, orgId, from, to, timeZone);
          const service = createReportService({ store });
          for (const by of ['day', 'team', 'agent'] as const) {
            const r = presentReport(await service.overview(actor, { from, to, by }));
            const got = new Map(r.rows.map((row) => [by === 'day' ? row.label : row.key, row]));
            const want = expected[by];
            expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
            for (const [key, sums] of want) {
              const row = got.get(key)!;
              const { key: _key, label, ...figures } = row;
              if (by === 'day') expect(label).toBe(key);
              expect(figures, `${by} ${key}`).toEqual(presentFigures(sums));
            }
            expect(r.totals).toEqual(presentFigures(expected.total));
          }
          const ratings = await service.ratings(actor, { from, to });
          expect(ratings.count).toBe(expected.total.ratings[1]);
        });
      }
    },
  );
}

/**
 * The figures computed in JavaScript from every row of the organisation, with
 * days from Intl: what the report queries must equal.
 */
async function direct(store: Store, orgId: string, from: number, to: number, timeZone: string) {
  const convs = await store.db
    .selectFrom('conversations')
    .selectAll()
    .where('org_id', '=', orgId)
    .execute();
  const ratings = await store.db
    .selectFrom('conversation_ratings')
    .select(['conversation_id', 'score'])
    .where('org_id', '=', orgId)
    .execute();
  const payments = await store.db
    .selectFrom('payments')
    .selectAll()
    .where('org_id', '=', orgId)
    .execute();
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const score = new Map(ratings.map((r) => [r.conversation_id, Number(r.score)]));
  const byId = new Map(convs.map((c) => [c.id, c]));
  const out = {
    day: new Map<string, Sums>(),
    team: new Map<string | null, Sums>(),
    agent: new Map<string | null, Sums>(),
    total: emptySums(),
  };
  const buckets = (c: (typeof convs)[number], at: number): Sums[] => {
    const get = <K>(m: Map<K, Sums>, k: K) => {
      if (!m.has(k)) m.set(k, emptySums());
      return m.get(k)!;
    };
    return [
      get(out.day, localDate(at, timeZone)),
      get(out.team, c.team_id),
      get(out.agent, c.agent_id),
      out.total,
    ];
  };
  for (const c of convs) {
    const created = Number(c.created_at);
    if (created < from || created >= to) continue;
    const assigned = n(c.assigned_at);
    const replied = n(c.first_response_at);
    const closed = n(c.closed_at);
    for (const s of buckets(c, created)) {
      s.conversations += 1;
      if (c.status === 'closed' && replied === null) s.missed += 1;
      if (assigned !== null) s.waiting = [s.waiting[0] + assigned - created, s.waiting[1] + 1];
      if (replied !== null)
        s.firstResponse = [s.firstResponse[0] + replied - created, s.firstResponse[1] + 1];
      if (closed !== null && assigned !== null)
        s.handling = [s.handling[0] + closed - assigned, s.handling[1] + 1];
      const sc = score.get(c.id);
      if (sc !== undefined) s.ratings = [s.ratings[0] + sc, s.ratings[1] + 1];
    }
  }
  for (const p of payments) {
    const at = Number(p.created_at);
    const c = byId.get(p.conversation_id);
    if (at < from || at >= to || !c) continue;
    for (const s of buckets(c, at)) {
      s.payments.count += 1;
      if (p.status === 'succeeded') {
        s.payments.succeeded += 1;
        const net = Number(p.amount) - Number(p.amount_refunded);
        s.payments.amounts.set(p.currency, (s.payments.amounts.get(p.currency) ?? 0) + net);
      } else if (p.status === 'failed') s.payments.failed += 1;
    }
  }
  return out;
}
