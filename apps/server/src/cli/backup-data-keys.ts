import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Crypto-shredding reaches backups (DESIGN.md law 9, issue 12): the wrapped data keys never go
 * into a backup. A backup holds ciphertexts only; on restore the keys come from the live
 * installation (`--data-keys-from`), which no longer has the keys of anything erased since the
 * backup was taken, so erased content stays unreadable in every older backup.
 */
export function stripDataKeys(stagedDb: string): number {
  const db = new Database(stagedDb, { fileMustExist: true });
  try {
    const table = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'data_keys'")
      .get();
    if (!table) return 0;
    db.pragma('secure_delete = ON');
    const { changes } = db.prepare('DELETE FROM data_keys').run();
    // Rebuilt file: not a byte of a wrapped key is left in a free page.
    db.exec('VACUUM');
    return changes;
  } finally {
    db.close();
  }
}

/** Copies the live installation's data keys into a restored store; returns how many. */
export function mergeDataKeys(restoredDb: string, liveDataDir: string): number {
  const live = join(liveDataDir, 'parley.db');
  if (!existsSync(live)) throw new Error(`no Parley database in ${liveDataDir} (parley.db)`);
  const db = new Database(restoredDb, { fileMustExist: true });
  try {
    db.prepare('ATTACH DATABASE ? AS live').run(live);
    const { changes } = db
      .prepare('INSERT OR IGNORE INTO main.data_keys SELECT * FROM live.data_keys')
      .run();
    db.exec('DETACH DATABASE live');
    return changes;
  } finally {
    db.close();
  }
}
