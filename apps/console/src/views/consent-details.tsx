import { useEffect, useState } from 'preact/hooks';
import type { ConsentRecord, ConversationSummary } from '@parley/protocol';
import { privacyApi } from '../lib/privacy-api';

const time = (ms: number) => new Date(ms).toLocaleString();

/** The visitor's pre-chat consent, under the pane's title (issue 12 item 1). */
export function ConsentDetails({ c }: { c: ConversationSummary }) {
  const [consent, setConsent] = useState<ConsentRecord | null | undefined>(undefined);
  useEffect(() => {
    setConsent(undefined);
    privacyApi.ofConversation(c.id).then(setConsent, () => setConsent(undefined));
  }, [c.id, c.status]);
  if (consent === undefined) return null;
  if (consent === null)
    return (
      <p class="pane-sub consent-details" data-testid="consent-details">
        No privacy consent recorded
      </p>
    );
  return (
    <p class="pane-sub consent-details" data-testid="consent-details" title={consent.text ?? ''}>
      {consent.withdrawnAt === null
        ? `Consent given (notice v${consent.version}) ${time(consent.givenAt)}`
        : `Consent withdrawn ${time(consent.withdrawnAt)} (notice v${consent.version})`}
    </p>
  );
}
