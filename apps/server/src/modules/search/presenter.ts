import type { HistoryItem, HistoryPage } from '@parley/protocol';
import type { HistoryCursor, HistoryRow } from '../../store';

export function presentHistoryItem(r: HistoryRow): HistoryItem {
  return {
    id: r.id,
    status: r.status,
    teamId: r.teamId,
    agentId: r.agentId,
    visitorName: r.visitorName,
    verified: r.verified,
    rating: r.rating,
    createdAt: r.createdAt,
    closedAt: r.closedAt,
  };
}

/** The cursor is opaque to clients: the last row's start and id, base64url. */
export function encodeCursor(c: HistoryCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.id]), 'utf8').toString('base64url');
}

export function decodeCursor(s: string): HistoryCursor | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      Number.isSafeInteger(v[0]) &&
      typeof v[1] === 'string'
    )
      return { createdAt: v[0] as number, id: v[1] };
  } catch {
    // Not ours: the caller answers bad_request.
  }
  return undefined;
}

export function presentHistoryPage(rows: HistoryRow[], next: HistoryCursor | null): HistoryPage {
  return { conversations: rows.map(presentHistoryItem), next: next ? encodeCursor(next) : null };
}
