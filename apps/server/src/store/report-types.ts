// Reports (0078-reports): sums and counts per bucket, read by one aggregate query each.
// Averages are the service's (sum / count), so buckets add up to totals exactly.

export type ReportBy = 'day' | 'team' | 'agent';

/** A bucket's key: days since the epoch (UTC) as a string, a team id or an agent id; null for none. */
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
  count: number;
  sum: number;
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
  conversations(
    orgId: string,
    from: number,
    to: number,
    by: ReportBy,
  ): Promise<ConversationFigures[]>;
  /** Ratings of conversations started in [from, to). */
  ratings(orgId: string, from: number, to: number, by: ReportBy): Promise<RatingFigures[]>;
  /** Payments requested in [from, to), by status and currency. */
  payments(orgId: string, from: number, to: number, by: ReportBy): Promise<PaymentFigures[]>;
}
