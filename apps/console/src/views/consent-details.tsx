import { useEffect, useState } from 'preact/hooks';
import type { ConsentRecord, ConversationSummary } from '@parley/protocol';
import { privacyApi } from '../lib/privacy-api';
import { t } from '../i18n';
import { dateTime } from './format';

const time = (ms: number) => dateTime(ms);

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
        {t('thread.noConsent')}
      </p>
    );
  return (
    <p class="pane-sub consent-details" data-testid="consent-details" title={consent.text ?? ''}>
      {consent.withdrawnAt === null
        ? t('thread.consentGiven', { version: consent.version, at: time(consent.givenAt) })
        : t('thread.consentWithdrawn', {
            version: consent.version,
            at: time(consent.withdrawnAt),
          })}
    </p>
  );
}
