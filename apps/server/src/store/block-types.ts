import type { Selectable } from 'kysely';

/** Visitor blocks (0055-visitor-blocks). */
export interface VisitorBlocksTable {
  id: string;
  org_id: string;
  kind: 'visitor' | 'address' | 'network' | 'identity';
  visitor_id: string | null;
  /** Canonical CIDR text for address and network blocks. */
  network: string | null;
  /** Keyed hash of the verified identity's subject (modules/visitor-identity). */
  subject_hash: string | null;
  conversation_id: string | null;
  /** Masked before it is stored (law 1): an agent typed it. */
  reason: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  lifted_at: number | null;
  lifted_by: string | null;
  refused: number;
}

export interface VisitorAddressesTable {
  visitor_id: string;
  org_id: string;
  ip: string;
  seen_at: number;
}

export interface BlockTables {
  visitor_blocks: VisitorBlocksTable;
  visitor_addresses: VisitorAddressesTable;
}

export interface VisitorBlockRow {
  id: string;
  orgId: string;
  kind: VisitorBlocksTable['kind'];
  visitorId: string | null;
  network: string | null;
  subjectHash: string | null;
  conversationId: string | null;
  reason: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  liftedAt: number | null;
  liftedBy: string | null;
  refused: number;
}

export type VisitorBlockSelectable = Selectable<VisitorBlocksTable>;

export interface BlockRepo {
  create(row: Omit<VisitorBlockRow, 'liftedAt' | 'liftedBy' | 'refused'>): Promise<VisitorBlockRow>;
  byId(orgId: string, id: string): Promise<VisitorBlockRow | undefined>;
  /** Blocks neither lifted nor expired at `now`. */
  active(orgId: string, now: number): Promise<VisitorBlockRow[]>;
  /** Every block of the organisation, newest first, at most `limit`. */
  list(orgId: string, limit: number): Promise<VisitorBlockRow[]>;
  /** Lifts a live block; false when there is none (a miss, another organisation's, already lifted). */
  lift(orgId: string, id: string, by: string, now: number): Promise<boolean>;
  /** Adds refused attempts to the block's count (aggregated, not one write per attempt). */
  addRefused(orgId: string, id: string, count: number): Promise<void>;
  /** Remembers the visitor's latest address (written at most once a minute per visitor). */
  noteAddress(orgId: string, visitorId: string, ip: string, now: number): Promise<void>;
  addressOf(orgId: string, visitorId: string): Promise<string | undefined>;
}
