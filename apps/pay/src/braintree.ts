/**
 * The part of braintree-web 3.x the pay window uses, typed, and its one flow:
 * `client.create` with the attempt's client token, Hosted Fields (each field is
 * Braintree's iframe, so card data never enters this page), `tokenize` into a
 * single-use nonce and, when the merchant asks for it, `threeDSecure.verifyCard`
 * (Braintree shows the bank's challenge over the page). Only the nonce goes to
 * the vault. The scripts are loaded from Braintree's CDN, pinned by version
 * (client, hosted-fields and three-d-secure beside each other), which the CSP allows.
 */
import { minorUnits } from '@parley/protocol/money';
import { t } from './i18n';
import { loadScript } from './stripe';

interface BraintreeError extends Error {
  code: string;
  details?: { invalidFieldKeys?: string[] };
}
type FieldKey = 'number' | 'expirationDate' | 'cvv';
interface FieldState {
  isEmpty: boolean;
  isValid: boolean;
  isPotentiallyValid: boolean;
}
interface HostedFieldsEvent {
  emittedBy: FieldKey;
  fields: Record<FieldKey, FieldState>;
}
interface HostedFields {
  on(event: 'validityChange' | 'blur', handler: (e: HostedFieldsEvent) => void): void;
  focus(field: FieldKey): void;
  tokenize(): Promise<{ nonce: string; details: { bin: string; lastFour: string } }>;
  teardown(): Promise<void>;
}
interface ThreeDSecure {
  verifyCard(options: {
    nonce: string;
    bin: string;
    amount: string;
    onLookupComplete: (data: unknown, next: () => void) => void;
  }): Promise<{ nonce: string; liabilityShifted: boolean; liabilityShiftPossible: boolean }>;
}
interface BraintreeClient {
  teardown(): Promise<void>;
}
interface BraintreeWeb {
  client: { create(o: { authorization: string }): Promise<BraintreeClient> };
  hostedFields: {
    create(o: {
      client: BraintreeClient;
      fields: Record<FieldKey, { container: string; placeholder?: string }>;
    }): Promise<HostedFields>;
  };
  threeDSecure: { create(o: { client: BraintreeClient; version: 2 }): Promise<ThreeDSecure> };
}

declare global {
  interface Window {
    braintree?: BraintreeWeb;
  }
}

type FieldText = { key: FieldKey; label: string; placeholder: string; problem: string };

/** The labels, placeholders and problems we give Braintree's fields, in the page's language. */
function fieldTexts(): FieldText[] {
  return [
    {
      key: 'number',
      label: t('form.cardNumber'),
      placeholder: t('form.numberPlaceholder'),
      problem: t('cardError.numberProblem'),
    },
    {
      key: 'expirationDate',
      label: t('form.expiryShort'),
      placeholder: t('form.expiryPlaceholder'),
      problem: t('cardError.expiryProblem'),
    },
    { key: 'cvv', label: t('form.cvc'), placeholder: '', problem: t('cardError.cvcEmpty') },
  ];
}

/** Integer minor units as the decimal string 3-D Secure wants ("12.50", JPY "1200"). */
export function decimalAmount(minor: number, currency: string): string {
  const digits = minorUnits(currency);
  if (digits === 0) return String(minor);
  const text = String(minor).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

export class CardDetailsInvalid extends Error {}

export interface BraintreeMount {
  /** Tokenises (and verifies with 3-D Secure); resolves with the nonce for the vault. */
  nonce(amount: string): Promise<string>;
  destroy(): void;
}

function el(tag: string, attrs: Record<string, string>, text = ''): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.textContent = text;
  return node;
}

/** Mounts Hosted Fields in `target` with the attempt's client token. */
export async function mountBraintree(
  target: HTMLElement,
  scriptUrl: string,
  clientToken: string,
  threeDSecure: boolean,
): Promise<BraintreeMount> {
  await loadScript(scriptUrl);
  await loadScript(scriptUrl.replace(/client(\.min)?\.js$/, 'hosted-fields$1.js'));
  if (threeDSecure)
    await loadScript(scriptUrl.replace(/client(\.min)?\.js$/, 'three-d-secure$1.js'));
  const sdk = window.braintree;
  if (!sdk) throw new Error('braintree-web missing');
  const FIELDS = fieldTexts();
  target.replaceChildren();
  const errors = new Map<FieldKey, HTMLElement>();
  const row = el('div', { class: 'row' });
  for (const f of FIELDS) {
    const field = el('div', { class: 'field' });
    // A label cannot point into Braintree's iframe: clicking it focuses the field through the SDK.
    const label = el('span', { class: 'hosted-label', id: `bt-${f.key}-label` }, f.label);
    const box = el('div', {
      class: 'hosted-field',
      id: `bt-${f.key}`,
      role: 'group',
      'aria-labelledby': `bt-${f.key}-label`,
      'aria-describedby': `bt-${f.key}-error`,
    });
    const error = el('span', { class: 'error', id: `bt-${f.key}-error`, 'aria-live': 'polite' });
    errors.set(f.key, error);
    field.append(label, box, error);
    if (f.key === 'number') target.append(field);
    else row.append(field);
  }
  target.append(row);
  const client = await sdk.client.create({ authorization: clientToken });
  const fields = await sdk.hostedFields.create({
    client,
    fields: {
      number: { container: '#bt-number', placeholder: FIELDS[0]!.placeholder },
      expirationDate: { container: '#bt-expirationDate', placeholder: FIELDS[1]!.placeholder },
      cvv: { container: '#bt-cvv' },
    },
  });
  for (const f of FIELDS)
    document
      .getElementById(`bt-${f.key}-label`)
      ?.addEventListener('click', () => fields.focus(f.key));
  const showProblems = (keys: FieldKey[]) => {
    for (const f of FIELDS) errors.get(f.key)!.textContent = keys.includes(f.key) ? f.problem : '';
  };
  fields.on('blur', (e) => {
    const s = e.fields[e.emittedBy];
    errors.get(e.emittedBy)!.textContent =
      !s.isEmpty && !s.isValid ? (FIELDS.find((f) => f.key === e.emittedBy)?.problem ?? '') : '';
  });
  fields.on('validityChange', (e) => {
    if (e.fields[e.emittedBy].isValid) errors.get(e.emittedBy)!.textContent = '';
  });
  const verifier = threeDSecure ? await sdk.threeDSecure.create({ client, version: 2 }) : undefined;
  return {
    async nonce(amount: string): Promise<string> {
      let tokenized: Awaited<ReturnType<HostedFields['tokenize']>>;
      try {
        tokenized = await fields.tokenize();
      } catch (error) {
        const e = error as BraintreeError;
        if (e.code === 'HOSTED_FIELDS_FIELDS_EMPTY') {
          showProblems(FIELDS.map((f) => f.key));
          throw new CardDetailsInvalid(t('cardError.enterDetails'));
        }
        if (
          e.code === 'HOSTED_FIELDS_FIELDS_INVALID' ||
          e.code === 'HOSTED_FIELDS_FAILED_TOKENIZATION'
        ) {
          const keys = (e.details?.invalidFieldKeys ?? []) as FieldKey[];
          showProblems(keys);
          fields.focus(keys[0] ?? 'number');
          throw new CardDetailsInvalid(t('cardError.checkDetails'));
        }
        throw error;
      }
      showProblems([]);
      if (!verifier) return tokenized.nonce;
      // The bank's answer is not judged here: the vault's sale requires 3-D Secure and says.
      const verified = await verifier.verifyCard({
        nonce: tokenized.nonce,
        bin: tokenized.details.bin,
        amount,
        onLookupComplete: (_data, next) => next(),
      });
      return verified.nonce;
    },
    destroy() {
      fields.teardown().catch(() => undefined);
      client.teardown().catch(() => undefined);
      target.replaceChildren();
    },
  };
}
