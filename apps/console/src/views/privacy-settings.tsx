import { useEffect } from 'preact/hooks';
import type { SessionInfo } from '@parley/protocol';
import { ConsentSection } from './consent-settings';
import { DataRequestsSection } from './data-requests';
import { RetentionSection } from './retention-settings';
import { SettingsHeader } from './settings-header';
import { t } from '../i18n';
import { pageTitle } from './format';

/** Admin page: the customer data lifecycle (docs/privacy.md): consent, retention, data requests. */
export function PrivacySettingsPage({ session }: { session: SessionInfo }) {
  useEffect(() => {
    document.title = pageTitle(t('workspace.navPrivacy'));
  }, []);
  if (session.agent.role !== 'admin')
    return <p class="centered">Only administrators can change privacy settings.</p>;
  return (
    <div class="app admin">
      <SettingsHeader
        session={session}
        links={[
          ['/settings/organisation', 'Organisation'],
          ['/audit', 'Audit log'],
        ]}
      />
      <main class="admin-main" data-testid="privacy-settings">
        <h1>Privacy</h1>
        <p>
          What the chat asks visitors before they write, how long it keeps what they wrote, and the
          answers to access and erasure requests. See docs/privacy.md for what is stored where.
        </p>
        <ConsentSection />
        <RetentionSection />
        <DataRequestsSection />
      </main>
    </div>
  );
}
