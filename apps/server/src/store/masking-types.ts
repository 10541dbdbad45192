import type { Tx } from './transaction';

// Masking settings of an organisation (0004-masking-settings). The store keeps
// them as a JSON document; the masking-settings module owns its shape.

export interface MaskingSettingsTable {
  org_id: string;
  settings: string; // JSON document, validated by modules/masking-settings before it is written
  version: number; // bumped on every write, so that caches can tell a change
  updated_at: number;
  updated_by: string | null; // agent id
}

export interface MaskingTables {
  masking_settings: MaskingSettingsTable;
}

export interface MaskingSettingsRow {
  orgId: string;
  /** The JSON document as written. */
  settings: string;
  version: number;
  updatedAt: number;
  updatedBy: string | null;
}

export interface MaskingSettingsRepo {
  /** The organisation's settings, or undefined when it never saved any (the defaults apply). */
  get(orgId: string): Promise<MaskingSettingsRow | undefined>;
  /** Writes the organisation's settings and returns the stored row (version bumped). */
  put(
    orgId: string,
    settings: string,
    updatedBy: string | null,
    now: number,
    /** Written in this transaction (store.transaction). */
    tx?: Tx,
  ): Promise<MaskingSettingsRow>;
}
