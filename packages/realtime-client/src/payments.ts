import type { PaymentSummary } from '@parley/protocol';
import { CURRENCY_MINOR_UNITS, formatMoney } from '@parley/protocol/money';

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

/** Decimal places of a currency's minor unit (ISO 4217: JPY 0, EUR 2, KWD 3). */
export function minorDigits(currency: string): number {
  return CURRENCY_MINOR_UNITS[currency] ?? 2;
}

/** 1250, "EUR" → "€12.50" in the browser's locale (the customer's, the agent's). */
export function formatAmount(minor: number, currency: string): string {
  return formatMoney(minor, currency);
}
