import type { Migration, MigrationProvider } from 'kysely';
import { chat } from './0001-chat';

/**
 * Code-defined migrations, keyed by name; Kysely runs them in name order. Add a
 * file per migration and list it here (never rename or edit a shipped one).
 */
const migrations: Record<string, Migration> = {
  '0001-chat': chat,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
