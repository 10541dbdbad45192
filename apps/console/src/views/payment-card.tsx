import { useState } from 'preact/hooks';
import type { PaymentSummary } from '@parley/protocol';
import { formatAmount, minorDigits } from '@parley/realtime-client';
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
  processing: 'processing',
  requires_action: 'waiting for the bank',
  awaiting_customer: 'customer paying',
  succeeded: 'paid',
  failed: 'declined',
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
      aria-label={`Payment request ${formatAmount(p.amount, p.currency)}`}
    >
      <div class="payment-head">
        <span class="payment-title">Payment request</span>
        <span class={`pill pay-${p.status}`} data-testid="payment-status">
          {STATUS_LABELS[p.status]}
        </span>
      </div>
      <div class="payment-amount" data-testid="payment-amount">
        {formatAmount(p.amount, p.currency)}
      </div>
      <div class="payment-desc">{p.description}</div>
      <dl class="payment-facts">
        {p.brand && (
          <>
            <dt>Card</dt>
            <dd data-testid="payment-card-info">
              {p.brand} •••• {p.last4}
            </dd>
          </>
        )}
        {p.gatewayReference && (
          <>
            <dt>Reference</dt>
            <dd data-testid="payment-reference">
              {p.dashboardUrl ? (
                <a
                  href={p.dashboardUrl}
                  target="_blank"
                  rel="noopener noreferrer"
                  data-testid="payment-dashboard-link"
                >
                  {p.gatewayReference}
                  <span class="visually-hidden"> (opens the processor’s dashboard)</span>
                </a>
              ) : (
                p.gatewayReference
              )}
            </dd>
          </>
        )}
        {p.attempts.length > 0 && (
          <>
            <dt>Attempts</dt>
            <dd>
              <ol class="payment-attempts" data-testid="payment-attempts">
                {p.attempts.map((a) => (
                  <li key={a.attempt} data-status={a.status}>
                    {ATTEMPT_LABELS[a.status]}
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
            <dt>Refunded</dt>
            <dd data-testid="payment-refunded">{formatAmount(p.amountRefunded, p.currency)}</dd>
          </>
        )}
        {p.failureMessage && (
          <>
            <dt>Reason</dt>
            <dd data-testid="payment-failure">{p.failureMessage}</dd>
          </>
        )}
        <dt>Updated</dt>
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
            Cancel request
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
            Send again ({formatAmount(p.amount, p.currency)})
          </button>
        )}
        {canRefund && p.status === 'succeeded' && remaining > 0 && !refunding && (
          <button type="button" class="btn small" disabled={busy} onClick={openRefund}>
            Refund…
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
        aria-label="Confirm refund"
        data-testid="refund-confirm"
      >
        <p data-testid="refund-confirm-text">
          Refund <strong>{money(amount)}</strong> of {money(p.amount)}
          {p.brand ? ` to ${p.brand} •••• ${p.last4 ?? ''}` : ''}? This cannot be undone.
        </p>
        <button
          type="button"
          class="btn small primary"
          disabled={busy}
          onClick={() => props.onConfirm(pending)}
        >
          Confirm refund of {money(amount)}
        </button>
        <button type="button" class="btn small" onClick={() => setPending(null)}>
          Change
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
        if (mode === null) return props.onError('Choose a full or a partial refund.');
        if (mode === 'full') return setPending('full');
        const amount = toMinorUnits(text, p.currency);
        if (amount === null || amount <= 0)
          return props.onError(
            `Enter the amount to refund, for example ${(remaining / 10 ** minorDigits(p.currency)).toFixed(minorDigits(p.currency))}.`,
          );
        if (amount > remaining)
          return props.onError(`At most ${money(remaining)} can still be refunded.`);
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
          Full refund ({money(remaining)})
        </label>
        <label>
          <input
            type="radio"
            name={`refund-mode-${p.id}`}
            checked={mode === 'partial'}
            onChange={() => setMode('partial')}
          />{' '}
          Partial refund
        </label>
      </fieldset>
      {mode === 'partial' && (
        <>
          <label for={`refund-${p.id}`}>Refund amount (at most {money(remaining)})</label>
          <input
            id={`refund-${p.id}`}
            inputMode="decimal"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </>
      )}
      <button type="submit" class="btn small primary" disabled={busy}>
        Review refund
      </button>
      <button type="button" class="btn small" onClick={props.onBack}>
        Back
      </button>
    </form>
  );
}
