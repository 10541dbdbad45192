import type { Tx } from './transaction';

// The widget's branding of an organisation (0117-branding): a JSON document whose shape
// modules/orgs owns (BrandingUpdateSchema in packages/protocol).

export interface WidgetBrandingTable {
  org_id: string;
  settings: string;
  version: number; // bumped on every write
  updated_at: number;
  updated_by: string | null; // agent id
}

export interface BrandingTables {
  widget_branding: WidgetBrandingTable;
}

export interface BrandingRow {
  orgId: string;
  /** The JSON document as written. */
  settings: string;
  version: number;
  updatedAt: number;
  updatedBy: string | null;
}

export interface BrandingRepo {
  /** The organisation's branding, or undefined when it never saved any (the defaults apply). */
  get(orgId: string): Promise<BrandingRow | undefined>;
  /** Writes the document and returns the stored row (version bumped). */
  put(
    orgId: string,
    settings: string,
    updatedBy: string | null,
    now: number,
    /** Written in this transaction (store.transaction). */
    tx?: Tx,
  ): Promise<BrandingRow>;
}
