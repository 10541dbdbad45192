/** What the SIEM outbox streams: an audit entry or a security event (0020-siem-outbox). */
export type SiemSource = 'audit' | 'security';

export interface SiemOutboxTable {
  id: string;
  channel: string;
  source: string;
  org_id: string;
  source_id: string;
  status: string;
  attempts: number;
  next_at: number;
  lease_until: number | null;
  lease_owner: string | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

export interface SiemTables {
  siem_outbox: SiemOutboxTable;
}

export interface SiemOutboxRow {
  id: string;
  channel: string;
  source: SiemSource;
  orgId: string;
  sourceId: string;
  attempts: number;
  createdAt: number;
}

export interface SiemRepo {
  /**
   * Takes a lease on up to `limit` due rows of the channel (pending and due, or
   * sending with a lease run out), oldest first, and counts the attempt.
   */
  claim(
    channel: string,
    owner: string,
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<SiemOutboxRow[]>;
  /** Marks the owner's rows delivered; returns how many it still owned. */
  markDelivered(ids: readonly string[], owner: string, now: number): Promise<number>;
  /** Puts the owner's rows back for another attempt at `nextAt`. */
  markRetry(ids: readonly string[], owner: string, error: string, nextAt: number): Promise<number>;
  /** Rows not yet delivered on the channel (for metrics and `parley doctor`). */
  backlog(channel: string): Promise<number>;
  /** Deletes delivered rows older than `before`; returns how many. */
  prune(before: number): Promise<number>;
}
