/** What a backup archive holds (its manifest) and its separate key file: shared by backup.ts and restore.ts. */
export interface Manifest {
  format: 'parley-backup';
  version: 1;
  parleyVersion: string;
  created: string;
  files: { path: string; size: number; kind: 'sqlite' | 'file' }[];
  notIncluded: string[];
}

export interface KeyFile {
  format: 'parley-backup-keys';
  version: 1;
  backupId: string;
  created: string;
  /** base64url: the archive's key. */
  key: string;
  /** Key files of the data directory, by their path in it. */
  secrets: Record<string, string>;
  /** Environment variables that held keys: not copied, keep them with this file. */
  external: string[];
}
