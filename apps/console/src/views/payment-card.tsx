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
  /** `key` is the refund intent's idempotency key: the same on every retry of that intent. */
  onRefund: (amount: number | undefined, key: string) => Promise<string | null>;
}

const OPEN = new Set<PaymentSummary['status']>(['created', 'opened', 'requires_action']);

/** A payment card in the agent's thread: live status, brand, last four and reference — never card data. */
export function PaymentCard({ p, canCancel, canRefund, onCancel, onRefund }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [refunding, setRefunding] = useState(false);
  const [refundText, setRefundText] = useState('');
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
            <dd data-testid="payment-reference">{p.gatewayReference}</dd>
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
        {canRefund && p.status === 'succeeded' && remaining > 0 && !refunding && (
          <button type="button" class="btn small" disabled={busy} onClick={openRefund}>
            Refund…
          </button>
        )}
      </div>
      {refunding && (
        <form
          class="refund-form"
          onSubmit={(e) => {
            e.preventDefault();
            const amount =
              refundText.trim() === '' ? undefined : toMinorUnits(refundText, p.currency);
            if (amount === null)
              return setError('Enter an amount like 12.50, or leave it empty for a full refund.');
            const key = refundKey ?? crypto.randomUUID();
            if (!refundKey) setRefundKey(key);
            void run(async () => {
              const err = await onRefund(amount, key);
              if (!err) {
                closeRefund();
                setRefundText('');
              }
              return err;
            });
          }}
        >
          <label for={`refund-${p.id}`}>
            Refund amount (empty = all of {formatAmount(remaining, p.currency)})
          </label>
          <input
            id={`refund-${p.id}`}
            inputMode="decimal"
            placeholder={(remaining / 10 ** minorDigits(p.currency)).toFixed(
              minorDigits(p.currency),
            )}
            value={refundText}
            onInput={(e) => setRefundText(e.currentTarget.value)}
          />
          <button type="submit" class="btn small primary" disabled={busy}>
            Refund
          </button>
          <button type="button" class="btn small" onClick={closeRefund}>
            Back
          </button>
        </form>
      )}
    </li>
  );
}
