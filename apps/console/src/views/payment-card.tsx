import { useState } from 'preact/hooks';
import type { PaymentSummary } from '@parley/protocol';
import { minorDigits } from '@parley/realtime-client';
import { formatAmount, t } from '../i18n';
import { STATUS_LABELS, toMinorUnits } from '../lib/payments';
import { timeOf } from './format';

interface Props {
  p: PaymentSummary;
  canCancel: boolean;
  canRefund: boolean;
  onCancel: () => Promise<string | null>;
  /**
   * `amount` is 'full' (all that remains) or minor units — never implied by an empty field.
   * `key` is the refund intent's idempotency key: the same on every retry of that intent.
   */
  onRefund: (amount: number | 'full', key: string) => Promise<string | null>;
  /** Issue 16: a new request with the same amount and description, in one click. */
  canResend: boolean;
  /** `key` is the resend intent's idempotency key, kept across retries of that click. */
  onResend: (key: string) => Promise<string | null>;
}

const RESENDABLE = new Set<PaymentSummary['status']>(['failed', 'canceled', 'expired']);
const ATTEMPT_LABELS: Record<PaymentSummary['attempts'][number]['status'], string> = {
  processing: 'payments.attemptProcessing',
  requires_action: 'payments.attemptRequiresAction',
  awaiting_customer: 'payments.attemptAwaitingCustomer',
  succeeded: 'payments.attemptSucceeded',
  failed: 'payments.attemptFailed',
};

const OPEN = new Set<PaymentSummary['status']>(['created', 'opened', 'requires_action']);

/** A payment card in the agent's thread: live status, brand, last four and reference — never card data. */
export function PaymentCard({
  p,
  canCancel,
  canRefund,
  onCancel,
  onRefund,
  canResend,
  onResend,
}: Props) {
  // One key per resend intent (like refunds): a retried click never sends two requests.
  const [resendKey, setResendKey] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [refunding, setRefunding] = useState(false);
  // One key per refund intent: made when the refund form opens, kept across retries (a lost
  // answer retried refunds once), dropped when the refund succeeds or the form is left.
  const [refundKey, setRefundKey] = useState<string | null>(null);
  const openRefund = (): void => {
    setRefundKey(crypto.randomUUID());
    setRefunding(true);
  };
  const closeRefund = (): void => {
    setRefundKey(null);
    setRefunding(false);
  };
  const remaining = p.amount - p.amountRefunded;
  const run = async (fn: () => Promise<string | null>): Promise<void> => {
    setBusy(true);
    setError(await fn());
    setBusy(false);
  };
  return (
    <li
      class={`payment-card ${p.status}`}
      data-testid="payment-card"
      data-payment-id={p.id}
      data-status={p.status}
      aria-label={t('payments.cardLabel', { amount: formatAmount(p.amount, p.currency) })}
    >
      <div class="payment-head">
        <span class="payment-title">{t('payments.title')}</span>
        <span class={`pill pay-${p.status}`} data-testid="payment-status">
          {t(STATUS_LABELS[p.status])}
        </span>
      </div>
      <div class="payment-amount" data-testid="payment-amount">
        {formatAmount(p.amount, p.currency)}
      </div>
      <div class="payment-desc">{p.description}</div>
      <dl class="payment-facts">
        {p.brand && (
          <>
            <dt>{t('payments.card')}</dt>
            <dd data-testid="payment-card-info">
              {p.brand} •••• {p.last4}
            </dd>
          </>
        )}
        {p.gatewayReference && (
          <>
            <dt>{t('payments.reference')}</dt>
            <dd data-testid="payment-reference">
              {p.dashboardUrl ? (
                <a
                  href={p.dashboardUrl}
                  target="_blank"
                  rel="noopener noreferrer"
                  data-testid="payment-dashboard-link"
                >
                  {p.gatewayReference}
                  <span class="visually-hidden"> {t('payments.opensDashboard')}</span>
                </a>
              ) : (
                p.gatewayReference
              )}
            </dd>
          </>
        )}
        {p.attempts.length > 0 && (
          <>
            <dt>{t('payments.attempts')}</dt>
            <dd>
              <ol class="payment-attempts" data-testid="payment-attempts">
                {p.attempts.map((a) => (
                  <li key={a.attempt} data-status={a.status}>
                    {t(ATTEMPT_LABELS[a.status])}
                    {a.brand && a.last4 ? ` · ${a.brand} •••• ${a.last4}` : ''}
                    {a.failureMessage ? ` · ${a.failureMessage}` : ''}
                  </li>
                ))}
              </ol>
            </dd>
          </>
        )}
        {p.amountRefunded > 0 && (
          <>
            <dt>{t('payments.refunded')}</dt>
            <dd data-testid="payment-refunded">{formatAmount(p.amountRefunded, p.currency)}</dd>
          </>
        )}
        {p.failureMessage && (
          <>
            <dt>{t('payments.reason')}</dt>
            <dd data-testid="payment-failure">{p.failureMessage}</dd>
          </>
        )}
        <dt>{t('payments.updated')}</dt>
        <dd>{timeOf(p.updatedAt)}</dd>
      </dl>
      {error && (
        <p class="error" role="alert" data-testid="payment-error">
          {error}
        </p>
      )}
      <div class="payment-actions">
        {canCancel && OPEN.has(p.status) && (
          <button
            type="button"
            class="btn small"
            disabled={busy}
            onClick={() => void run(onCancel)}
          >
            {t('payments.cancelRequest')}
          </button>
        )}
        {canResend && RESENDABLE.has(p.status) && (
          <button
            type="button"
            class="btn small"
            disabled={busy}
            onClick={() => {
              const key = resendKey ?? crypto.randomUUID();
              setResendKey(key);
              void run(async () => {
                const err = await onResend(key);
                if (!err) setResendKey(null);
                return err;
              });
            }}
          >
            {t('payments.sendAgain', { amount: formatAmount(p.amount, p.currency) })}
          </button>
        )}
        {canRefund && p.status === 'succeeded' && remaining > 0 && !refunding && (
          <button type="button" class="btn small" disabled={busy} onClick={openRefund}>
            {t('payments.refund')}
          </button>
        )}
      </div>
      {refunding && (
        <RefundForm
          p={p}
          remaining={remaining}
          busy={busy}
          onBack={closeRefund}
          onError={setError}
          onConfirm={(amount) => {
            const key = refundKey ?? crypto.randomUUID();
            if (!refundKey) setRefundKey(key);
            void run(async () => {
              const err = await onRefund(amount, key);
              if (!err) closeRefund();
              return err;
            });
          }}
        />
      )}
    </li>
  );
}

/**
 * Issue 16: the agent chooses full or partial explicitly, then confirms with the
 * amount spelled out ("Refund €2.50 of €10.00"); an empty field is an error.
 */
function RefundForm(props: {
  p: PaymentSummary;
  remaining: number;
  busy: boolean;
  onBack: () => void;
  onError: (message: string | null) => void;
  onConfirm: (amount: number | 'full') => void;
}) {
  const { p, remaining, busy } = props;
  const [mode, setMode] = useState<'full' | 'partial' | null>(null);
  const [text, setText] = useState('');
  const [pending, setPending] = useState<number | 'full' | null>(null);
  const money = (minor: number) => formatAmount(minor, p.currency);
  if (pending !== null) {
    const amount = pending === 'full' ? remaining : pending;
    return (
      <div
        class="refund-form"
        role="group"
        aria-label={t('payments.confirmRefundLabel')}
        data-testid="refund-confirm"
      >
        <p data-testid="refund-confirm-text">
          {t(p.brand ? 'payments.refundQuestionTo' : 'payments.refundQuestion', {
            amount: money(amount),
            total: money(p.amount),
            card: `${p.brand ?? ''} •••• ${p.last4 ?? ''}`,
          })}
        </p>
        <button
          type="button"
          class="btn small primary"
          disabled={busy}
          onClick={() => props.onConfirm(pending)}
        >
          {t('payments.confirmRefund', { amount: money(amount) })}
        </button>
        <button type="button" class="btn small" onClick={() => setPending(null)}>
          {t('payments.change')}
        </button>
      </div>
    );
  }
  return (
    <form
      class="refund-form"
      onSubmit={(e) => {
        e.preventDefault();
        props.onError(null);
        if (mode === null) return props.onError(t('payments.chooseMode'));
        if (mode === 'full') return setPending('full');
        const amount = toMinorUnits(text, p.currency);
        if (amount === null || amount <= 0)
          return props.onError(
            t('payments.enterAmount', {
              example: (remaining / 10 ** minorDigits(p.currency)).toFixed(minorDigits(p.currency)),
            }),
          );
        if (amount > remaining)
          return props.onError(t('payments.atMost', { amount: money(remaining) }));
        setPending(amount);
      }}
    >
      <fieldset>
        <legend>Refund</legend>
        <label>
          <input
            type="radio"
            name={`refund-mode-${p.id}`}
            checked={mode === 'full'}
            onChange={() => setMode('full')}
          />{' '}
          {t('payments.fullRefund', { amount: money(remaining) })}
        </label>
        <label>
          <input
            type="radio"
            name={`refund-mode-${p.id}`}
            checked={mode === 'partial'}
            onChange={() => setMode('partial')}
          />{' '}
          {t('payments.partialRefund')}
        </label>
      </fieldset>
      {mode === 'partial' && (
        <>
          <label for={`refund-${p.id}`}>
            {t('payments.refundAmount', { amount: money(remaining) })}
          </label>
          <input
            id={`refund-${p.id}`}
            inputMode="decimal"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </>
      )}
      <button type="submit" class="btn small primary" disabled={busy}>
        {t('payments.reviewRefund')}
      </button>
      <button type="button" class="btn small" onClick={props.onBack}>
        {t('payments.back')}
      </button>
    </form>
  );
}
