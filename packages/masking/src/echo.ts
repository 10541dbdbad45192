// The masker's own output, met again: text the widget masked before sending
// reaches the server as `•••• •••• •••• 4242` or `[CVV hidden]`. It is reported
// as a finding of its type (so agents still see that something was hidden)
// and left exactly as it is.
import type { Claim } from './claims';
import type { CompiledCustomRule } from './custom-rules';
import type { FindingType } from './types';

// A whole card in any display (`last4`, `bin_last4`, `none`), or a piece of a
// split card (groups of four bullets, maybe the last four digits). At least
// four bullets in a row, so that a list bullet is never read as a card.
const PAN_ECHO =
  /(?<![\p{L}\p{Nd}•])(?:[0-9]{4} [0-9]{2}•• )?••••(?: ••••){0,4}(?: [0-9]{4}| ••••)?(?![\p{L}\p{Nd}•])/gu;
const PLACEHOLDER = /\[([A-Za-z][A-Za-z0-9 _-]{0,39}) hidden\]/g;

/** Built-in placeholders and the finding they stand for; shared placeholders name the family. */
const PLACEHOLDER_TYPES: Readonly<Record<string, FindingType>> = {
  CVV: 'cvv',
  expiry: 'expiry',
  IBAN: 'iban',
  SSN: 'ssn',
  'NI number': 'uk_nino',
  email: 'email',
  phone: 'phone',
  'private key': 'private_key',
  'API key': 'api_key',
  token: 'token',
};

/** Cheap test: can the text hold an earlier masking at all? */
export function mayHoldEcho(text: string): boolean {
  return text.includes('••••') || text.includes(' hidden]');
}

/** Claims every earlier masking in `text`, each rendered as itself (the text does not change). */
export function claimEchoes(
  text: string,
  custom: readonly CompiledCustomRule[],
  claims: Claim[],
): void {
  if (text.includes('••••')) {
    for (const m of text.matchAll(PAN_ECHO))
      claims.push({
        start: m.index,
        end: m.index + m[0].length,
        type: 'pan',
        render: m[0],
        echo: true,
      });
  }
  if (!text.includes(' hidden]')) return;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const label = m[1] ?? '';
    const type = PLACEHOLDER_TYPES[label] ?? custom.find((r) => r.placeholder === m[0])?.type;
    if (type !== undefined)
      claims.push({ start: m.index, end: m.index + m[0].length, type, render: m[0], echo: true });
  }
}
