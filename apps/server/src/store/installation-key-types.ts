/** Fingerprints of the installation's keys (0037-installation-keys). */
export interface InstallationKeysTable {
  name: string;
  fingerprint: string;
  updated_at: number;
}

export interface InstallationKeyTables {
  installation_keys: InstallationKeysTable;
}

export interface InstallationKeysRepo {
  /** Records `fingerprint` for `name` unless one is recorded; returns the recorded one. */
  claim(name: string, fingerprint: string, now: number): Promise<string>;
  /** Replaces the recorded fingerprint (a key rotation). */
  replace(name: string, fingerprint: string, now: number): Promise<void>;
  /** Every recorded fingerprint by key name. */
  all(): Promise<Record<string, string>>;
}
