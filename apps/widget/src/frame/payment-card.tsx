import { useEffect, useState } from 'preact/hooks';
import type { PaymentSummary } from '@parley/protocol';
import { formatAmount } from '@parley/realtime-client';
import { onPayWindowChange, payWindowOpen } from './pay-window';

const STATUS_TEXT: Record<PaymentSummary['status'], string> = {
  created: 'Waiting for payment',
  opened: 'Payment window open',
  requires_action: 'Confirming with your bank…',
  succeeded: 'Paid',
  failed: 'Payment failed',
  canceled: 'Canceled',
  expired: 'Expired',
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
  const statusText =
    p.status === 'opened' && !windowOpen
      ? 'Not paid yet — the payment window was closed'
      : STATUS_TEXT[p.status];
  return (
    <li
      class={`payment ${p.status}`}
      data-testid="payment-card"
      data-payment-id={p.id}
      data-status={p.status}
    >
      <span class="payment-label">Payment request</span>
      <span class="payment-amount" data-testid="payment-amount">
        {formatAmount(p.amount, p.currency)}
      </span>
      <span class="payment-desc">{p.description}</span>
      <span class="payment-status" data-testid="payment-status" role="status">
        {statusText}
        {p.status === 'succeeded' && p.brand && ` · ${p.brand} •••• ${p.last4 ?? ''}`}
        {p.amountRefunded > 0 && ` · ${formatAmount(p.amountRefunded, p.currency)} refunded`}
      </span>
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
              setBusy(true);
              setError(null);
              void onPay(p).then((err) => {
                setError(err);
                setBusy(false);
              });
            }}
          >
            {p.status === 'opened' ? 'Reopen payment window' : 'Pay'}
          </button>
          <span class="payment-note">
            Opens a secure payment window. The agent cannot see your card details.
          </span>
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
