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

const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'HUF', 'XAF', 'XOF']);

/** Decimal places of a currency's minor unit. */
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
