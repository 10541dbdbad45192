import type { ConversationStatus } from '@parley/protocol';

/** The blind search index (0112-search-index); see store/blind-index.ts. */
export interface SearchTermsTable {
  org_id: string;
  term: string;
  created_at: number;
  conversation_id: string;
}

export interface SearchTables {
  search_terms: SearchTermsTable;
}

/** Filters of the history (issue 14 item 10); every one optional, all of them ANDed. */
export interface HistoryFilter {
  status?: ConversationStatus[];
  teamId?: string;
  agentId?: string;
  /** Started at or after (ms). */
  from?: number;
  /** Started before (ms). */
  to?: number;
  rating?: number;
  verified?: boolean;
  hasPayment?: boolean;
  hasFile?: boolean;
}

/** Where a page ends: the last conversation's start and id (newest first). */
export interface HistoryCursor {
  createdAt: number;
  id: string;
}

export interface HistoryQuery {
  filter: HistoryFilter;
  /** Keyed hashes of the query's words (AND); empty: every conversation matching the filters. */
  terms: string[];
  after?: HistoryCursor;
  limit: number;
}

export interface HistoryRow {
  id: string;
  status: ConversationStatus;
  teamId: string | null;
  agentId: string | null;
  visitorId: string;
  visitorName: string | null;
  createdAt: number;
  closedAt: number | null;
  rating: number | null;
  verified: boolean;
}

export interface SearchRepo {
  /** One page of an organisation's conversations, newest first, and where the next starts. */
  history(
    orgId: string,
    q: HistoryQuery,
  ): Promise<{ rows: HistoryRow[]; next: HistoryCursor | null }>;
  /** How many index rows an organisation's conversation holds (tests, erasure checks). */
  termCount(orgId: string, conversationId: string): Promise<number>;
}
