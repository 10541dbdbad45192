import { sql } from 'kysely';
import type { ExpressionBuilder, Kysely, SelectQueryBuilder } from 'kysely';
import type { DataKeys } from '../data-keys';
import type { Database } from '../types';
import type { HistoryFilter, HistoryQuery, HistoryRow, SearchRepo } from '../search-types';

const MAX_PAGE = 100;
/** Terms are counted up to this many rows to pick the rarest as the driver of a search. */
const COUNT_CAP = 10_000;

type Eb = ExpressionBuilder<Database & { c: Database['conversations'] }, 'c'>;

/** The filters as conditions on the conversation `c` (payments, files, identity as EXISTS probes). */
function filtered(eb: Eb, orgId: string, f: HistoryFilter) {
  const all = [eb('c.org_id', '=', orgId)];
  if (f.status && f.status.length > 0) all.push(eb('c.status', 'in', f.status));
  if (f.teamId !== undefined) all.push(eb('c.team_id', '=', f.teamId));
  if (f.agentId !== undefined) all.push(eb('c.agent_id', '=', f.agentId));
  if (f.from !== undefined) all.push(eb('c.created_at', '>=', f.from));
  if (f.to !== undefined) all.push(eb('c.created_at', '<', f.to));
  if (f.rating !== undefined)
    all.push(
      eb.exists(
        eb
          .selectFrom('conversation_ratings as r')
          .select('r.conversation_id')
          .whereRef('r.conversation_id', '=', 'c.id')
          .where('r.org_id', '=', orgId)
          .where('r.score', '=', f.rating),
      ),
    );
  const probe = (present: boolean | undefined, exists: ReturnType<Eb['exists']>) => {
    if (present !== undefined) all.push(present ? exists : eb.not(exists));
  };
  probe(
    f.verified,
    eb.exists(
      eb
        .selectFrom('visitor_identities as vi')
        .select('vi.visitor_id')
        .whereRef('vi.visitor_id', '=', 'c.visitor_id')
        .where('vi.org_id', '=', orgId),
    ),
  );
  probe(
    f.hasPayment,
    eb.exists(
      eb
        .selectFrom('payments as p')
        .select('p.id')
        .whereRef('p.conversation_id', '=', 'c.id')
        .where('p.org_id', '=', orgId),
    ),
  );
  probe(
    f.hasFile,
    eb.exists(
      eb
        .selectFrom('files as fl')
        .select('fl.id')
        .whereRef('fl.conversation_id', '=', 'c.id')
        .where('fl.org_id', '=', orgId),
    ),
  );
  return eb.and(all);
}

function columns<O>(q: SelectQueryBuilder<Database & { c: Database['conversations'] }, 'c', O>) {
  return q
    .leftJoin('visitors as v', 'v.id', 'c.visitor_id')
    .leftJoin('conversation_ratings as rt', 'rt.conversation_id', 'c.id')
    .select([
      'c.id',
      'c.status',
      'c.team_id',
      'c.agent_id',
      'c.visitor_id',
      'c.created_at',
      'c.closed_at',
      'v.name as visitor_name',
      'rt.score',
    ])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('visitor_identities as vid')
            .select('vid.visitor_id')
            .whereRef('vid.visitor_id', '=', 'c.visitor_id')
            .whereRef('vid.org_id', '=', 'c.org_id'),
        )
        .as('verified'),
    );
}

export function searchRepo(db: Kysely<Database>, keys: DataKeys): SearchRepo {
  /** The rarest term first: it drives the walk, the others are primary-key probes. */
  const byRarity = async (orgId: string, terms: string[]): Promise<string[]> => {
    if (terms.length < 2) return terms;
    const counts = await Promise.all(
      terms.map(async (term) => {
        const r = await db
          .selectFrom((eb) =>
            eb
              .selectFrom('search_terms')
              .select('conversation_id')
              .where('org_id', '=', orgId)
              .where('term', '=', term)
              .limit(COUNT_CAP)
              .as('t'),
          )
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        return { term, n: Number(r.n) };
      }),
    );
    return counts.sort((a, b) => a.n - b.n).map((c) => c.term);
  };

  const page = async (orgId: string, q: HistoryQuery) => {
    const limit = Math.min(Math.max(1, q.limit), MAX_PAGE) + 1;
    const [driver, ...others] = await byRarity(orgId, q.terms);
    if (driver === undefined) {
      let base = db.selectFrom('conversations as c').where((eb) => filtered(eb, orgId, q.filter));
      const after = q.after;
      if (after)
        base = base.where((eb) =>
          eb.or([
            eb('c.created_at', '<', after.createdAt),
            eb.and([eb('c.created_at', '=', after.createdAt), eb('c.id', '<', after.id)]),
          ]),
        );
      return {
        rows: await columns(base)
          .orderBy('c.created_at', 'desc')
          .orderBy('c.id', 'desc')
          .limit(limit)
          .execute(),
        limit,
      };
    }
    // Walked newest first along the driver term's primary key (org, term, created_at, id).
    let walk = db
      .selectFrom('search_terms as t0')
      .innerJoin('conversations as c', 'c.id', 't0.conversation_id')
      .where('t0.org_id', '=', orgId)
      .where('t0.term', '=', driver)
      .where((eb) => filtered(eb as unknown as Eb, orgId, q.filter));
    if (q.filter.from !== undefined) walk = walk.where('t0.created_at', '>=', q.filter.from);
    if (q.filter.to !== undefined) walk = walk.where('t0.created_at', '<', q.filter.to);
    const after = q.after;
    if (after)
      walk = walk.where((eb) =>
        eb.or([
          eb('t0.created_at', '<', after.createdAt),
          eb.and([
            eb('t0.created_at', '=', after.createdAt),
            eb('t0.conversation_id', '<', after.id),
          ]),
        ]),
      );
    // A scalar subquery, not EXISTS: PostgreSQL turns EXISTS into a hash semi-join that reads
    // every row of the other term (seconds for a common word); this stays one primary-key probe
    // per row of the walk, on both dialects.
    others.forEach((term, i) => {
      const alias = sql.id(`t${i + 1}`);
      walk = walk.where(
        sql<boolean>`(select 1 from search_terms ${alias} where ${alias}.org_id = ${orgId}
          and ${alias}.term = ${term} and ${alias}.created_at = t0.created_at
          and ${alias}.conversation_id = t0.conversation_id limit 1) = 1`,
      );
    });
    const rows = await columns(
      walk as unknown as SelectQueryBuilder<
        Database & { c: Database['conversations'] },
        'c',
        object
      >,
    )
      .orderBy(sql`t0.created_at`, 'desc')
      .orderBy(sql`t0.conversation_id`, 'desc')
      .limit(limit)
      .execute();
    return { rows, limit };
  };

  return {
    async history(orgId, q) {
      const { rows, limit } = await page(orgId, q);
      const shown = rows.slice(0, limit - 1);
      const names = await keys.openMany(shown.map((r) => r.visitor_name));
      const out: HistoryRow[] = shown.map((r, i) => ({
        id: r.id,
        status: r.status,
        teamId: r.team_id,
        agentId: r.agent_id,
        visitorId: r.visitor_id,
        visitorName: names[i] ?? null,
        createdAt: Number(r.created_at),
        closedAt: r.closed_at === null ? null : Number(r.closed_at),
        rating: r.score === null ? null : Number(r.score),
        verified: Boolean(r.verified),
      }));
      const last = out[out.length - 1];
      return {
        rows: out,
        next: rows.length === limit && last ? { createdAt: last.createdAt, id: last.id } : null,
      };
    },
    async termCount(orgId, conversationId) {
      const r = await db
        .selectFrom('search_terms')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', orgId)
        .where('conversation_id', '=', conversationId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
