import type { PaymentSummary } from '@parley/protocol';

/** Merges payment cards by id, keeping the newer view (frames and REST reloads may race); oldest first. */
export function mergePayments(
  existing: PaymentSummary[],
  incoming: PaymentSummary[],
): PaymentSummary[] {
  const byId = new Map(existing.map((p) => [p.id, p]));
  for (const p of incoming) {
    const prev = byId.get(p.id);
    if (!prev || prev.updatedAt <= p.updatedAt) byId.set(p.id, p);
  }
  return [...byId.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

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

const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'HUF', 'XAF', 'XOF']);

export function minorDigits(currency: string): number {
  return ZERO_DECIMAL.has(currency) ? 0 : 2;
}

/** 1250, "EUR" → "€12.50" in the browser's locale. */
export function formatAmount(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}

export const STATUS_LABELS: Record<PaymentSummary['status'], string> = {
  created: 'Sent',
  opened: 'Opened',
  requires_action: 'Verifying (3-D Secure)',
  succeeded: 'Paid',
  failed: 'Failed',
  canceled: 'Canceled',
  expired: 'Expired',
};
