// Search benchmark (bench/README.md "Search"): the history search (issue 14 item 10) over
// --conversations conversations (100,000 by default) of one organisation, each with a text of
// --words words drawn from a Zipf-distributed vocabulary of 20,000 words, indexed with the real
// tokeniser and the organisation's real search key (store/blind-index.ts). Queries: one word
// (rare, middling, common), two and three words (AND), a word with filters, and the baseline
// measured in the same run: the first page of the history with no query (a walk of the
// conversations index). Prints p50 / p99 per kind. SQLite always; PostgreSQL too when
// DATABASE_URL is set (its own database, dropped afterwards).
//   DATABASE_URL=… node bin/run-ts.mjs bench/search/run.ts [--conversations 100000] [--store sqlite|postgres]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { seedOrg, storeTargets } from '../../apps/server/test/store-fixtures';
import { queryTerms, textTerms } from '../../apps/server/src/store';
import type { HistoryFilter, Store } from '../../apps/server/src/store';
import { prng } from '../masking/corpus';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '100000' },
    words: { type: 'string', default: '30' },
    queries: { type: 'string', default: '200' },
    store: { type: 'string' },
  },
});
const N = Number(values.conversations);
const WORDS = Number(values.words);
const QUERIES = Number(values.queries);
const VOCABULARY = 20_000;
const DAY = 86_400_000;
const END = Date.UTC(2026, 10, 1);
const START = END - 180 * DAY;

const rand = prng(14);
const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'ba', 'de', 'fu', 'go'];
const vocabulary = Array.from({ length: VOCABULARY }, (_, i) => {
  let w = '';
  for (let n = i + 13; n > 0; n = Math.floor(n / syllables.length))
    w += syllables[n % syllables.length];
  return w;
});
// Zipf (s = 1): word r is drawn with probability ∝ 1 / (r + 1).
const cumulative: number[] = [];
vocabulary.reduce((sum, _, r) => {
  const next = sum + 1 / (r + 1);
  cumulative.push(next);
  return next;
}, 0);
const total = cumulative[cumulative.length - 1] ?? 1;
const drawRank = (): number => {
  const x = rand() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
const word = (rank: number) => vocabulary[rank] ?? 'x';

async function seed(store: Store) {
  const org = await seedOrg(store, 'Bench Ltd');
  const key = await store.dataKeys.searchKey(org.id);
  const visitor = `bv-0`;
  await store.db
    .insertInto('visitors')
    .values({
      id: visitor,
      org_id: org.id,
      name: null,
      token_hash: randomBytes(16).toString('hex'),
      created_at: START,
      expires_at: END + DAY,
      revoked_at: null,
    })
    .execute();
  const started = performance.now();
  let termRows = 0;
  const CHUNK = 500;
  for (let base = 0; base < N; base += CHUNK) {
    const convs = [];
    const terms = [];
    for (let i = base; i < Math.min(N, base + CHUNK); i++) {
      const created = START + Math.floor(rand() * 180 * DAY);
      const id = `bc-${String(i).padStart(6, '0')}`;
      const closed = rand() < 0.9;
      convs.push({
        id,
        org_id: org.id,
        visitor_id: visitor,
        status: closed ? ('closed' as const) : ('active' as const),
        agent_id: null,
        last_seq: 3,
        created_at: created,
        updated_at: created,
        closed_at: closed ? created + 600_000 : null,
      });
      const text = Array.from({ length: WORDS }, () => word(drawRank())).join(' ');
      for (const term of new Set(textTerms(key, text)))
        terms.push({ org_id: org.id, term, created_at: created, conversation_id: id });
    }
    await store.db.insertInto('conversations').values(convs).execute();
    for (let t = 0; t < terms.length; t += 1000)
      await store.db
        .insertInto('search_terms')
        .values(terms.slice(t, t + 1000))
        .execute();
    termRows += terms.length;
  }
  await sql`analyze`.execute(store.db);
  return { orgId: org.id, key, seedMs: performance.now() - started, termRows };
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;

for (const target of storeTargets()) {
  if (values.store !== undefined && values.store !== target.name) continue;
  if (target.skipReason) {
    console.log(`${target.name}: skipped (${target.skipReason})`);
    continue;
  }
  const store = await target.create();
  try {
    const { orgId, key, seedMs, termRows } = await seed(store);
    console.log(
      `${target.name}: seeded ${N.toLocaleString('en')} conversations, ${termRows.toLocaleString('en')} index rows in ${(seedMs / 1000).toFixed(1)} s`,
    );
    const kinds: [string, () => { query: string; filter: HistoryFilter }][] = [
      ['no query (baseline)', () => ({ query: '', filter: {} })],
      ['1 rare word', () => ({ query: word(5000 + Math.floor(rand() * 15_000)), filter: {} })],
      ['1 middling word', () => ({ query: word(100 + Math.floor(rand() * 900)), filter: {} })],
      ['1 common word', () => ({ query: word(Math.floor(rand() * 20)), filter: {} })],
      ['2 words (AND)', () => ({ query: `${word(drawRank())} ${word(drawRank())}`, filter: {} })],
      [
        '3 words (AND)',
        () => ({
          query: `${word(drawRank())} ${word(drawRank())} ${word(drawRank())}`,
          filter: {},
        }),
      ],
      [
        'word + status + 30 days',
        () => ({
          query: word(drawRank()),
          filter: { status: ['closed'], from: END - 30 * DAY, to: END },
        }),
      ],
    ];
    let baseline = NaN;
    for (const [label, make] of kinds) {
      const xs: number[] = [];
      let found = 0;
      for (let i = 0; i < QUERIES + 5; i++) {
        const { query, filter } = make();
        const t0 = performance.now();
        const page = await store.search.history(orgId, {
          filter,
          terms: queryTerms(key, query),
          limit: 50,
        });
        const ms = performance.now() - t0;
        if (i >= 5) xs.push(ms); // the first few warm the caches
        found += page.rows.length;
      }
      const p50 = pct(xs, 0.5);
      if (Number.isNaN(baseline)) baseline = p50;
      console.log(
        `  ${label.padEnd(24)} p50 ${p50.toFixed(1).padStart(6)} ms  p99 ${pct(xs, 0.99).toFixed(1).padStart(6)} ms  (${(found / (QUERIES + 5)).toFixed(1)} rows a page; p50 ${(p50 / baseline).toFixed(1)}× the baseline)`,
      );
    }
  } finally {
    await store.close();
  }
}
