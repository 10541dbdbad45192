// Reports benchmark (bench/README.md "Reports"): the overview query (issue 17 item 6) over
// --conversations conversations (100,000 by default; 30 % rated, 10 % with a payment) of one
// organisation spread over 90 days, per day, team and agent, against the floor of reading the
// same range (a plain count over the same index) measured in the same run, first with the
// covering indexes of 0106-report-indexes, then with 0078's (org_id, created_at) alone. SQLite always;
// PostgreSQL too when DATABASE_URL is set (its own schema, dropped afterwards).
//   DATABASE_URL=… node bin/run-ts.mjs bench/reports/run.ts [--conversations 100000]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { seedAgent, seedOrg, storeTargets } from '../../apps/server/test/store-fixtures';
import { createReportService } from '../../apps/server/src/modules/reports';
import { bindKeyring } from '../../apps/server/src/modules/security';
import type { Store } from '../../apps/server/src/store';
import { prng } from '../masking/corpus';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '7' },
  },
});
const N = Number(values.conversations);
const RUNS = Number(values.runs);
const DAY = 86_400_000;
const END = Date.UTC(2026, 10, 1);
const START = END - 90 * DAY;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm: statement caches, pages in memory
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

async function seed(store: Store) {
  const rand = prng(17);
  const org = await seedOrg(store, 'Bench Ltd');
  const agents = [];
  for (let i = 0; i < 20; i++)
    agents.push((await seedAgent(store, org.id, 'agent', `Agent ${i}`)).id);
  const teams = [];
  for (const name of ['Sales', 'Support', 'Billing'])
    teams.push(
      (await store.routing.createTeam({
        orgId: org.id,
        name,
        routing: 'queue',
        escalateAfterSeconds: 60,
        visitorChoice: false,
        now: START,
      }))!.id,
    );
  const visitors = [];
  for (let i = 0; i < 1000; i++) {
    const id = `bv-${i}`;
    visitors.push(id);
    await store.db
      .insertInto('visitors')
      .values({
        id,
        org_id: org.id,
        name: null,
        token_hash: randomBytes(16).toString('hex'),
        created_at: START,
        expires_at: END + DAY,
        revoked_at: null,
      })
      .execute();
  }
  const started = performance.now();
  const CHUNK = 500;
  for (let base = 0; base < N; base += CHUNK) {
    const convs = [];
    const ratings = [];
    const payments = [];
    for (let i = base; i < Math.min(N, base + CHUNK); i++) {
      const created = START + Math.floor(rand() * 90 * DAY);
      const taken = rand() < 0.93;
      const agent = taken ? agents[Math.floor(rand() * agents.length)]! : null;
      const assigned = taken ? created + Math.floor(rand() * 300_000) : null;
      const replied = taken && rand() < 0.97 ? assigned! + Math.floor(rand() * 120_000) : null;
      const closed = rand() < 0.95 ? (assigned ?? created) + Math.floor(rand() * 1_800_000) : null;
      const id = `bc-${i}`;
      convs.push({
        id,
        org_id: org.id,
        visitor_id: visitors[i % visitors.length]!,
        status: closed ? 'closed' : taken ? 'active' : 'waiting',
        agent_id: agent,
        last_seq: 4,
        created_at: created,
        updated_at: closed ?? created,
        closed_at: closed,
        team_id: rand() < 0.8 ? teams[Math.floor(rand() * teams.length)]! : null,
        queued_at: created,
        escalation: 0,
        assigned_at: assigned,
        first_response_at: replied,
      });
      if (closed && rand() < 0.3)
        ratings.push({
          conversation_id: id,
          org_id: org.id,
          visitor_id: visitors[i % visitors.length]!,
          agent_id: agent,
          score: 1 + Math.floor(rand() * 5),
          comment: null,
          masked: '[]',
          created_at: closed,
          updated_at: closed,
        });
      if (taken && rand() < 0.1)
        payments.push({
          id: `bp-${i}`,
          org_id: org.id,
          conversation_id: id,
          status: rand() < 0.8 ? 'succeeded' : 'failed',
          amount: 500 + Math.floor(rand() * 20_000),
          currency: rand() < 0.7 ? 'EUR' : 'USD',
          description: 'order',
          amount_refunded: 0,
          brand: 'visa',
          last4: '4242',
          gateway_reference: null,
          failure_message: null,
          vault_version: 1,
          created_by: agent,
          created_at: created + 60_000,
          updated_at: created + 60_000,
        });
    }
    await store.db
      .insertInto('conversations')
      .values(convs as never)
      .execute();
    if (ratings.length) await store.db.insertInto('conversation_ratings').values(ratings).execute();
    if (payments.length)
      await store.db
        .insertInto('payments')
        .values(payments as never)
        .execute();
  }
  await sql`analyze`.execute(store.db);
  return { orgId: org.id, seedMs: performance.now() - started };
}

for (const target of storeTargets()) {
  if (target.skipReason) {
    console.log(`${target.name}: skipped (${target.skipReason})`);
    continue;
  }
  const store = await target.create();
  // Reading a report writes its audit entry (part of what is measured).
  bindKeyring(store, { sealKey: randomBytes(32), auditKey: randomBytes(32) });
  try {
    const { orgId, seedMs } = await seed(store);
    console.log(
      `${target.name}: seeded ${N.toLocaleString('en')} conversations in ${(seedMs / 1000).toFixed(1)} s`,
    );
    const reports = createReportService({ store });
    const actor = { kind: 'agent' as const, agentId: 'bench', orgId, role: 'admin' as const };
    const results = new Map<string, number>();
    const pass = async (indexes: string) => {
      for (const [label, from] of [
        ['90 days', START],
        ['30 days', END - 30 * DAY],
      ] as const) {
        const floor = await time(() =>
          sql`select count(*) as n from conversations where org_id = ${orgId} and created_at >= ${from} and created_at < ${END}`.execute(
            store.db,
          ),
        );
        console.log(`  [${indexes}] floor ${label}: a count of the range  ${floor.toFixed(1)} ms`);
        for (const by of ['day', 'team', 'agent'] as const) {
          let total = 0;
          const ms = await time(async () => {
            total = (await reports.overview(actor, { from, to: END, by })).totals.conversations;
          });
          const before = results.get(`${label} ${by}`);
          results.set(`${label} ${by}`, ms);
          console.log(
            `  [${indexes}] overview ${label.padEnd(7)} by ${by.padEnd(5)}  ${ms.toFixed(1).padStart(7)} ms  (${total.toLocaleString('en')} conversations; ${(ms / floor).toFixed(1)}× the floor${before ? `; ${(ms / before).toFixed(1)}× the covering indexes` : ''})`,
          );
        }
      }
    };
    await pass('0106 covering indexes');
    // The baseline in the same run: 0078's indexes (org_id, created_at) alone.
    await sql`drop index conversations_org_created_report`.execute(store.db);
    await sql`drop index payments_org_created_report`.execute(store.db);
    await sql`drop index conversation_ratings_conversation_score`.execute(store.db);
    await sql`create index conversations_org_created on conversations (org_id, created_at)`.execute(
      store.db,
    );
    await sql`create index payments_org_created on payments (org_id, created_at)`.execute(store.db);
    await sql`analyze`.execute(store.db);
    await pass('0078 indexes only');
  } finally {
    await store.close();
  }
}
