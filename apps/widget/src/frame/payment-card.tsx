import { useEffect, useRef, useState } from 'preact/hooks';
import type { PaymentSummary } from '@parley/protocol';
import { onPayWindowChange, payWindowOpen } from './pay-window';
import { formatAmount, t } from './i18n';

const STATUS_KEYS: Record<PaymentSummary['status'], string> = {
  created: 'payment.created',
  opened: 'payment.opened',
  requires_action: 'payment.requires_action',
  succeeded: 'payment.succeeded',
  failed: 'payment.failed',
  canceled: 'payment.canceled',
  expired: 'payment.expired',
  disputed: 'payment.disputed',
};

interface Props {
  p: PaymentSummary;
  /** Opens the pay window; resolves to an error message to show, or null. */
  onPay: (p: PaymentSummary) => Promise<string | null>;
}

/**
 * A payment request in the chat. Pay opens the vault's own window (another
 * origin): the card never passes through this frame, the chat or the agent.
 */
export function PaymentCard({ p, onPay }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const payable = p.status === 'created' || p.status === 'opened';
  // Live: "open" only while the window really is; closed without paying says so.
  const [windowOpen, setWindowOpen] = useState(() => payWindowOpen(p.id));
  useEffect(() => onPayWindowChange(() => setWindowOpen(payWindowOpen(p.id))), [p.id]);
  // After paying, focus moves to the outcome and it is announced (WCAG 2.4.3, 4.1.3): only for
  // a payment this visitor started here, when it leaves the payable states.
  const started = useRef(false);
  const result = useRef<HTMLParagraphElement>(null);
  const settled = p.status === 'succeeded' || p.status === 'failed' || p.status === 'canceled';
  useEffect(() => {
    if (started.current && settled) result.current?.focus();
  }, [settled]);
  const statusText =
    p.status === 'opened' && !windowOpen ? t('payment.closedUnpaid') : t(STATUS_KEYS[p.status]);
  return (
    <li
      class={`payment ${p.status}`}
      data-testid="payment-card"
      data-payment-id={p.id}
      data-status={p.status}
    >
      <span class="payment-label">{t('payment.label')}</span>
      <span class="payment-amount" data-testid="payment-amount">
        {formatAmount(p.amount, p.currency)}
      </span>
      <span class="payment-desc">{p.description}</span>
      <span class="payment-status" data-testid="payment-status" role="status">
        {statusText}
        {p.status === 'succeeded' &&
          p.brand &&
          ` · ${t('payment.card', { brand: p.brand, last4: p.last4 ?? '' })}`}
        {p.amountRefunded > 0 &&
          ` · ${t('payment.refunded', { amount: formatAmount(p.amountRefunded, p.currency) })}`}
      </span>
      {started.current && settled && (
        <p
          class="payment-result"
          data-testid="payment-result"
          ref={result}
          tabIndex={-1}
          role="alert"
        >
          {t('payment.result', { amount: formatAmount(p.amount, p.currency), status: statusText })}
        </p>
      )}
      {p.status === 'failed' && p.failureMessage && (
        <span class="payment-failure">{p.failureMessage}</span>
      )}
      {payable && (
        <>
          <button
            type="button"
            class="btn primary"
            disabled={busy}
            onClick={() => {
              started.current = true;
              setBusy(true);
              setError(null);
              void onPay(p).then((err) => {
                setError(err);
                setBusy(false);
              });
            }}
          >
            {p.status === 'opened' ? t('payment.reopen') : t('payment.pay')}
          </button>
          <span class="payment-note">{t('payment.note')}</span>
        </>
      )}
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </li>
  );
}
