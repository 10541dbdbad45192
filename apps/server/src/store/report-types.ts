// Reports (0078-reports): sums and counts per bucket, read by one aggregate query each.
// Averages are the service's (sum / count), so buckets add up to totals exactly.

export type ReportBy = 'day' | 'team' | 'agent';

/** The organisation's offset from UTC (ms) for instants before `until` (and after the previous piece). */
export interface OffsetSegment {
  until: number;
  offsetMs: number;
}

/** What a report reads: an organisation's range [from, to), grouped, days in the zone's pieces. */
export interface ReportRange {
  from: number;
  to: number;
  by: ReportBy;
  /** Local days: the offsets over the range, in order (UTC days when absent). */
  zone?: OffsetSegment[] | undefined;
}

/** A bucket's key: days since the epoch of the local date as a string, a team id or an agent id; null for none. */
export interface ConversationFigures {
  key: string | null;
  conversations: number;
  missed: number;
  waitingSum: number;
  waitingCount: number;
  firstResponseSum: number;
  firstResponseCount: number;
  handlingSum: number;
  handlingCount: number;
}

export interface RatingFigures {
  key: string | null;
  score: number;
  count: number;
}

export interface PaymentFigures {
  key: string | null;
  status: string;
  currency: string;
  count: number;
  /** Amount net of refunds, minor units. */
  amount: number;
}

export interface ReportsRepo {
  /** Conversations started in [from, to). */
  conversations(orgId: string, range: ReportRange): Promise<ConversationFigures[]>;
  /** Ratings of conversations started in [from, to), by bucket and score. */
  ratings(orgId: string, range: ReportRange): Promise<RatingFigures[]>;
  /** Payments requested in [from, to), by status and currency. */
  payments(orgId: string, range: ReportRange): Promise<PaymentFigures[]>;
}
