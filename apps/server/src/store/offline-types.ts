// Offline mode (0046-offline): business hours, offline contacts, continue links.

export interface BusinessHoursTable {
  org_id: string;
  enabled: number; // 1 | 0
  time_zone: string;
  week: string; // JSON: 7 arrays (Monday first) of { from, to } in local HH:MM
  offline_text: string;
  updated_at: number;
}

export interface ConversationContactsTable {
  conversation_id: string;
  org_id: string;
  email: string; // sealed under the conversation's data key
  consent_at: number;
  created_at: number;
}

export interface ContinueLinksTable {
  token_hash: string; // SHA-256 hex; the token itself is only in the e-mail
  org_id: string;
  conversation_id: string;
  visitor_id: string;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

export interface OfflineTables {
  business_hours: BusinessHoursTable;
  conversation_contacts: ConversationContactsTable;
  continue_links: ContinueLinksTable;
}

export interface BusinessHoursRow {
  enabled: boolean;
  timeZone: string;
  week: { from: string; to: string }[][];
  offlineText: string;
  updatedAt: number;
}

export interface OfflineRepo {
  hours(orgId: string): Promise<BusinessHoursRow | undefined>;
  setHours(orgId: string, hours: Omit<BusinessHoursRow, 'updatedAt'>, now: number): Promise<void>;
  /** Agents of the organisation signed in now: an unexpired, unlocked session seen since `since`. */
  signedInAgents(orgId: string, now: number, since: number): Promise<number>;
  addContact(input: {
    orgId: string;
    conversationId: string;
    email: string;
    consentAt: number;
    now: number;
  }): Promise<void>;
  /** The contact of a conversation from the offline form; undefined when none (or erased). */
  contact(
    orgId: string,
    conversationId: string,
  ): Promise<{ email: string; consentAt: number } | undefined>;
  createContinueLink(input: {
    tokenHash: string;
    orgId: string;
    conversationId: string;
    visitorId: string;
    expiresAt: number;
    now: number;
  }): Promise<void>;
  /** Spends a link once: the first caller before it expires gets it, every other undefined. */
  useContinueLink(
    tokenHash: string,
    now: number,
  ): Promise<{ orgId: string; conversationId: string; visitorId: string } | undefined>;
}
