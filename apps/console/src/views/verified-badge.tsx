import { useEffect, useState } from 'preact/hooks';
import type { ConversationSummary, VerifiedVisitor } from '@parley/protocol';
import { visitorIdentityApi } from '../lib/visitor-identity-api';
import { t } from '../i18n';

/** "Verified": the website vouched for this visitor with a signed identity token. */
export function VerifiedBadge({ c }: { c: ConversationSummary }) {
  if (!c.visitor.verified) return null;
  return (
    <span class="verified-badge" data-testid="verified-badge" title={t('thread.verifiedTitle')}>
      <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        <path d="M6.5 11.2 3.3 8l1.1-1.1 2.1 2.1 5.1-5.1L12.7 5z" />
      </svg>
      {t('thread.verified')}
    </span>
  );
}

/** The verified name and e-mail the website signed, under the pane's title. */
export function VerifiedDetails({ c }: { c: ConversationSummary }) {
  const [v, setV] = useState<VerifiedVisitor | null>(null);
  useEffect(() => {
    setV(null);
    if (!c.visitor.verified) return;
    visitorIdentityApi.ofConversation(c.id).then(setV, () => setV(null));
  }, [c.id, c.visitor.verified]);
  if (!v?.verified) return null;
  return (
    <p class="pane-sub verified-details" data-testid="verified-details">
      {v.name ?? t('thread.customer')}
      {v.email ? ` · ${v.email}` : ''}
      {v.sub ? ` · ${t('thread.subjectId', { id: v.sub })}` : ''}
    </p>
  );
}
