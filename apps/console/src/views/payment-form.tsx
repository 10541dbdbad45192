import { useState } from 'preact/hooks';
import type { PaymentSettings } from '@parley/protocol';
import { toMinorUnits } from '../lib/payments';
import { t } from '../i18n';

interface Props {
  settings: PaymentSettings;
  onRequest: (body: {
    amount: number;
    currency: string;
    description: string;
    idempotencyKey: string;
  }) => Promise<string | null>;
  onClose: () => void;
}

/**
 * "Request payment": amount as a decimal, converted to minor units; currency
 * from the organisation's list. One idempotency key per filled-in form, kept
 * across retries, so "try again" after payment_unavailable never asks twice.
 */
export function PaymentForm({ settings, onRequest, onClose }: Props) {
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState(settings.currencies[0] ?? 'EUR');
  const [description, setDescription] = useState('');
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (): Promise<void> => {
    const minor = toMinorUnits(amount, currency);
    if (minor === null) return setError(t('payments.amountInvalid'));
    if (description.trim() === '') return setError(t('payments.descriptionMissing'));
    setBusy(true);
    const err = await onRequest({
      amount: minor,
      currency,
      description: description.trim(),
      idempotencyKey: key,
    });
    setBusy(false);
    setError(err);
    if (!err) {
      setKey(crypto.randomUUID());
      onClose();
    }
  };
  return (
    <form
      class="payment-form"
      data-testid="payment-form"
      aria-label={t('payments.requestLabel')}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div class="pf-row">
        <label>
          {t('payments.amount')}
          <input
            name="amount"
            inputMode="decimal"
            placeholder="12.50"
            value={amount}
            onInput={(e) => setAmount(e.currentTarget.value)}
          />
        </label>
        <label>
          {t('payments.currency')}
          <select
            name="currency"
            value={currency}
            onChange={(e) => setCurrency(e.currentTarget.value)}
          >
            {settings.currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        {t('payments.description')}
        <input
          name="description"
          maxLength={500}
          placeholder={t('payments.descriptionPlaceholder')}
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
      </label>
      {error && (
        <p class="error" role="alert" data-testid="payment-form-error">
          {error}
        </p>
      )}
      <div class="pf-actions">
        <button type="submit" class="btn primary" disabled={busy}>
          {busy ? t('payments.sending') : error ? t('payments.tryAgain') : t('payments.send')}
        </button>
        <button type="button" class="btn" onClick={onClose}>
          {t('payments.cancel')}
        </button>
      </div>
      <p class="pf-note">{t('payments.note')}</p>
    </form>
  );
}
