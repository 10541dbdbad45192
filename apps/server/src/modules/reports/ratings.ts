import type { RatingReport } from '@parley/protocol';
import type { RatingFigures } from '../../store';

const round = (x: number) => Math.round(x * 100) / 100;

/**
 * The ratings report from the overview's rule (issue 17): the ratings of the
 * conversations started in the range, each counted for the agent who has the
 * conversation, so its count and average are the overview's ratings figures.
 */
export function ratingReport(
  from: number,
  to: number,
  rows: RatingFigures[],
  names: Map<string, string>,
): RatingReport {
  const distribution: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  const agents = new Map<string, { agentId: string | null; n: number; sum: number }>();
  let count = 0;
  let sum = 0;
  for (const r of rows) {
    if (r.score < 1 || r.score > 5) continue;
    distribution[r.score - 1] = (distribution[r.score - 1] ?? 0) + r.count;
    count += r.count;
    sum += r.score * r.count;
    const key = r.key ?? '';
    const a = agents.get(key) ?? { agentId: r.key, n: 0, sum: 0 };
    a.n += r.count;
    a.sum += r.score * r.count;
    agents.set(key, a);
  }
  return {
    from,
    to,
    count,
    average: count > 0 ? round(sum / count) : null,
    distribution,
    agents: [...agents.values()]
      .map((a) => ({
        agentId: a.agentId,
        // null for no agent or a deleted one, as before.
        name: a.agentId === null ? null : (names.get(a.agentId) ?? null),
        count: a.n,
        average: round(a.sum / a.n),
      }))
      .sort((x, y) => y.count - x.count || (x.name ?? '').localeCompare(y.name ?? '')),
  };
}
