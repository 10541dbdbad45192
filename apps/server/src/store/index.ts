import { connect } from './connect';
import type { StoreOptions } from './connect';
import { pendingMigrations, runMigrations } from './migrate';
import { agentsRepo, sessionsRepo } from './repos/agents';
import { conversationsRepo } from './repos/conversations';
import { messagesRepo } from './repos/messages';
import { orgsRepo } from './repos/orgs';
import { paymentsRepo } from './repos/payments';
import { visitorsRepo } from './repos/visitors';
import { auditRepo } from './repos/audit';
import { securityRepo } from './repos/security';
import { maskingSettingsRepo } from './repos/masking-settings';
import { brandingRepo } from './repos/branding';
import { accountRepo, mailRepo } from './repos/mail';
import { filesRepo } from './repos/files';
import { identityRepo } from './repos/identity';
import { siemRepo } from './repos/siem';
import { deskRepo } from './repos/desk';
import { feedbackRepo } from './repos/feedback';
import { reportsRepo } from './repos/reports';
import { routingRepo } from './repos/routing';
import { offlineRepo } from './repos/offline';
import { searchRepo } from './repos/search';
import { privacyRepo } from './repos/privacy';
import { createDataKeys } from './data-keys';
import { visitorIdentityRepo } from './repos/visitor-identity';
import { apiTokensRepo } from './repos/api-tokens';
import { installationKeysRepo } from './repos/installation-keys';
import { webhooksRepo } from './repos/webhooks';
import { consentRepo } from './repos/consent';
import { retentionRepo } from './repos/retention';
import { blocksRepo } from './repos/blocks';
import { transactionRunner } from './transaction';
import type { Store } from './types';

export type { StoreOptions } from './connect';
export type * from './types';
export type * from './search-types';
export { createGroupCommitter } from './group-commit';
export { AfterCommitError, StoreTransactionMisuse } from './transaction';
export { ERASED_TEXT } from './repos/messages';
export { queryTerms, textTerms, indexableWords } from './blind-index';
export { isSealedData, kekId, type DataKeys, type DataKeyOwner } from './data-keys';
export type { GroupCommitter, GroupCommitterOptions } from './group-commit';

/**
 * Opens the chat store: SQLite (WAL, synchronous=FULL) or PostgreSQL. Call
 * `migrate()` before use; it is safe on every start.
 */
export async function createStore(options: StoreOptions): Promise<Store> {
  const conn = await connect(options);
  const dataKeys = createDataKeys(conn.db);
  let closed: Promise<void> | undefined;
  return {
    dialect: conn.dialect,
    db: conn.db,
    migrate: () => runMigrations(conn),
    pendingMigrations: () => pendingMigrations(conn),
    close: () => (closed ??= conn.close()),
    transaction: transactionRunner(conn),
    orgs: orgsRepo(conn.db),
    agents: agentsRepo(conn.db),
    sessions: sessionsRepo(conn.db),
    dataKeys,
    privacy: privacyRepo(conn, dataKeys),
    visitors: visitorsRepo(conn.db, dataKeys),
    conversations: conversationsRepo(conn.db, dataKeys),
    messages: messagesRepo(conn, dataKeys),
    payments: paymentsRepo(conn.db),
    security: securityRepo(conn),
    maskingSettings: maskingSettingsRepo(conn.db),
    branding: brandingRepo(conn.db),
    audit: auditRepo(conn),
    mail: mailRepo(conn.db, conn.dialect),
    account: accountRepo(conn.db),
    files: filesRepo(conn.db),
    identity: identityRepo(conn.db),
    siem: siemRepo(conn.db, conn.dialect),
    desk: deskRepo(conn.db, dataKeys),
    routing: routingRepo(conn.db, conn.dialect, dataKeys),
    visitorIdentity: visitorIdentityRepo(conn.db),
    apiTokens: apiTokensRepo(conn.db),
    installationKeys: installationKeysRepo(conn.db),
    webhooks: webhooksRepo(conn.db, conn.dialect),
    consent: consentRepo(conn.db),
    retention: retentionRepo(conn),
    feedback: feedbackRepo(conn.db, dataKeys),
    reports: reportsRepo(conn.db),
    blocks: blocksRepo(conn.db),
    offline: offlineRepo(conn.db, dataKeys),
    search: searchRepo(conn.db, dataKeys),
  };
}
