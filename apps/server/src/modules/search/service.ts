import { ParleyError, type HistoryPage, type HistoryQueryParams } from '@parley/protocol';
import { maskText } from '@parley/masking';
import type { AgentActor } from '../auth';
import { queryTerms, type HistoryFilter, type Store } from '../../store';
import { mayReadHistory } from './policy';
import { decodeCursor, presentHistoryPage } from './presenter';

export interface HistoryService {
  /** One page of the actor's organisation's conversations (issue 14 item 10). */
  history(actor: AgentActor, q: HistoryQueryParams): Promise<HistoryPage>;
}

/**
 * History and search. The query's words become keyed hashes under the organisation's search
 * key (store/blind-index.ts) here, on the server: the words never reach the store, and a query
 * for a masked value (a card's digits) finds nothing because such values are never indexed.
 */
export function createHistoryService(deps: { store: Store }): HistoryService {
  const { store } = deps;
  return {
    async history(actor, q) {
      if (!mayReadHistory(actor, actor.orgId)) throw new ParleyError('forbidden');
      if (q.from !== undefined && q.to !== undefined && q.from >= q.to)
        throw new ParleyError('bad_request', '`from` must be before `to`.');
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      if (q.cursor !== undefined && !after)
        throw new ParleyError('bad_request', 'The cursor is not valid.');
      const filter: HistoryFilter = {
        ...(q.status && { status: q.status }),
        ...(q.teamId !== undefined && { teamId: q.teamId }),
        ...(q.agentId !== undefined && { agentId: q.agentId }),
        ...(q.from !== undefined && { from: q.from }),
        ...(q.to !== undefined && { to: q.to }),
        ...(q.rating !== undefined && { rating: q.rating }),
        ...(q.verified !== undefined && { verified: q.verified }),
        ...(q.hasPayment !== undefined && { hasPayment: q.hasPayment }),
        ...(q.hasFile !== undefined && { hasFile: q.hasFile }),
      };
      // Masked first, like every text a person sends (law 1): a card typed into the search box
      // is dropped with the other masked values, never hashed, let alone kept.
      const text = maskText(q.q?.trim() ?? '').text;
      const terms =
        text === '' ? [] : queryTerms(await store.dataKeys.searchKey(actor.orgId), text);
      // Words were asked for but none is searchable (too short, or masked): nothing matches,
      // rather than every conversation.
      if (text !== '' && terms.length === 0) return { conversations: [], next: null };
      const page = await store.search.history(actor.orgId, {
        filter,
        terms,
        limit: q.limit,
        ...(after && { after }),
      });
      return presentHistoryPage(page.rows, page.next);
    },
  };
}
