import type { PaymentSummary } from '@parley/protocol';
import { minorDigits } from '@parley/realtime-client';

/** "12.50" → 1250 for a currency with two decimals; null when not a valid amount. */
export function toMinorUnits(input: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const text = input.trim().replace(',', '.');
  const re = digits === 0 ? /^\d{1,8}$/ : new RegExp(`^\\d{1,8}(\\.\\d{1,${digits}})?$`);
  if (!re.test(text)) return null;
  const [whole = '0', frac = ''] = text.split('.');
  const value = Number(whole) * 10 ** digits + Number(frac.padEnd(digits, '0') || '0');
  return value > 0 && Number.isSafeInteger(value) ? value : null;
}

/** Catalog keys (in full for i18n.test.ts) of each status's label. */
export const STATUS_LABELS: Record<PaymentSummary['status'], string> = {
  created: 'payments.statusCreated',
  opened: 'payments.statusOpened',
  requires_action: 'payments.statusRequiresAction',
  succeeded: 'payments.statusSucceeded',
  failed: 'payments.statusFailed',
  canceled: 'payments.statusCanceled',
  expired: 'payments.statusExpired',
  disputed: 'payments.statusDisputed',
};
