import type { Migration, MigrationProvider } from 'kysely';
import { chat } from './0001-chat';
import { payments } from './0002-payments';
import { security } from './0003-security';
import { maskingSettings } from './0004-masking-settings';
import { accessSecurity } from './0006-access-security';
import { maskState } from './0008-mask-state';
import { mailSelfService } from './0010-mail-self-service';
import { files } from './0011-files';
import { paymentAttempts } from './0012-payment-attempts';
import { passkeysSso } from './0009-passkeys-sso';
import { siemOutbox } from './0020-siem-outbox';
import { desk } from './0017-desk';
import { dataKeys } from './0013-data-keys';
import { visitorIdentity } from './0015-visitor-identity';
import { apiTokens } from './0036-api-tokens';
import { installationKeys } from './0037-installation-keys';
import { chatWebhooks } from './0038-chat-webhooks';
import { consent } from './0040-consent';
import { retention } from './0041-retention';
import { ratings } from './0045-ratings';
import { routing } from './0050-routing';
import { visitorBlocks } from './0055-visitor-blocks';
import { offline } from './0046-offline';
import { deskCollab } from './0065-desk-collab';
import { reports } from './0078-reports';
import { reportIndexes } from './0106-report-indexes';
import { searchIndex } from './0112-search-index';
import { branding } from './0117-branding';

/**
 * Code-defined migrations, keyed by name; Kysely runs them in name order. Add a
 * file per migration and list it here (never rename or edit a shipped one).
 */
const migrations: Record<string, Migration> = {
  '0001-chat': chat,
  '0002-payments': payments,
  '0003-security': security,
  '0004-masking-settings': maskingSettings,
  '0006-access-security': accessSecurity,
  '0008-mask-state': maskState,
  '0010-mail-self-service': mailSelfService,
  '0011-files': files,
  '0012-payment-attempts': paymentAttempts,
  '0009-passkeys-sso': passkeysSso,
  '0020-siem-outbox': siemOutbox,
  '0017-desk': desk,
  '0013-data-keys': dataKeys,
  '0015-visitor-identity': visitorIdentity,
  '0036-api-tokens': apiTokens,
  '0037-installation-keys': installationKeys,
  '0038-chat-webhooks': chatWebhooks,
  '0040-consent': consent,
  '0041-retention': retention,
  '0045-ratings': ratings,
  '0050-routing': routing,
  '0055-visitor-blocks': visitorBlocks,
  '0046-offline': offline,
  '0065-desk-collab': deskCollab,
  '0078-reports': reports,
  '0106-report-indexes': reportIndexes,
  '0112-search-index': searchIndex,
  '0117-branding': branding,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
