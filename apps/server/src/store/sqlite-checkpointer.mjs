// The SQLite WAL checkpointer thread (issue 18, must 7). With the default
// wal_autocheckpoint, the connection whose commit pushes the WAL past 1,000
// pages copies the WAL back into the database file and flushes it, inside that
// commit: on the writer thread the group commit's acknowledgements wait for
// it, and on the main connection (a rare autocommitted write) the event loop
// stops for it. Here a connection of its own runs PASSIVE checkpoints on a
// timer instead: PASSIVE never takes the write lock and never waits for
// readers, so commits go on meanwhile, and once a checkpoint has copied every
// frame the next commit starts the WAL from its beginning again. The other
// connections run with wal_autocheckpoint = 0 while this thread lives
// (sqlite.ts). Plain JavaScript, like sqlite-writer.mjs, and built beside it
// (scripts/build-node.mjs).
//
// Protocol: { op: 'close' } stops the timer, closes the connection and ends
// the thread; the thread posts { ready: true } once its connection is open, and
// { error } if a checkpoint fails (it then tries again at the next tick).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, timeoutMs, intervalMs } = workerData;
const db = new Database(file, { timeout: timeoutMs });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma(`busy_timeout = ${Number(timeoutMs)}`);
db.pragma('wal_autocheckpoint = 0');

let reported = false;
function checkpoint() {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    reported = false;
  } catch (error) {
    // SQLITE_BUSY (another checkpoint, a restore) or an I/O error: once per run
    // of failures, and tried again at the next tick.
    if (!reported)
      parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
    reported = true;
  }
}

const timer = setInterval(checkpoint, Number(intervalMs));

parentPort.on('message', (msg) => {
  if (msg.op !== 'close') return;
  clearInterval(timer);
  try {
    checkpoint();
  } finally {
    db.close();
    parentPort.close();
  }
});

parentPort.postMessage({ ready: true });
