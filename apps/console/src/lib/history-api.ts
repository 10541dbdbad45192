import {
  HistoryPageSchema,
  MessageListSchema,
  type ChatMessage,
  type HistoryPage,
  type HistoryQueryInput,
} from '@parley/protocol';
import { call } from './api';

/** REST calls of the History page (docs/search.md). A POST: search words stay out of URLs. */
export const historyApi = {
  page: (query: HistoryQueryInput): Promise<HistoryPage> =>
    call(HistoryPageSchema, '/api/history', 'POST', query),
  transcript: async (id: string): Promise<ChatMessage[]> =>
    (
      await call(
        MessageListSchema,
        `/api/conversations/${encodeURIComponent(id)}/messages?afterSeq=0&limit=500`,
      )
    ).messages,
};
