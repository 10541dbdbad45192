// Ratings of conversations (0045-ratings). Comments are stored masked (the caller masks
// them) and sealed under the conversation's data key.

export interface ConversationRatingsTable {
  conversation_id: string;
  org_id: string;
  visitor_id: string;
  agent_id: string | null;
  score: number;
  comment: string | null;
  masked: string; // JSON array of finding types
  created_at: number;
  updated_at: number;
}

export interface FeedbackTables {
  conversation_ratings: ConversationRatingsTable;
}

export interface RatingRow {
  conversationId: string;
  orgId: string;
  visitorId: string;
  agentId: string | null;
  score: number;
  /** The masked comment; null when none was given (or its key was destroyed). */
  comment: string | null;
  masked: string[];
  createdAt: number;
  updatedAt: number;
}

export interface FeedbackRepo {
  /** Stores the conversation's rating, replacing an earlier one (the visitor changed their mind). */
  rate(input: {
    orgId: string;
    conversationId: string;
    visitorId: string;
    agentId: string | null;
    score: number;
    comment: string | null;
    masked: string[];
    now: number;
  }): Promise<RatingRow>;
  rating(orgId: string, conversationId: string): Promise<RatingRow | undefined>;
}
