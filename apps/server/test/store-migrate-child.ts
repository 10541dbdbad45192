// Run as a separate process by the store's concurrency test: migrates the
// SQLite file named in argv[2], as a second server starting at once would.
import { createStore } from '../src/store';

const file = process.argv[2];
if (!file) throw new Error('usage: store-migrate-child <sqlite file>');
const store = await createStore({ kind: 'sqlite', file });
try {
  await store.migrate();
} finally {
  await store.close();
}
