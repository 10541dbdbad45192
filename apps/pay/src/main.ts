/**
 * The pay window. Vanilla TypeScript, no third-party script, nothing inline.
 * Validates live with the same rules the vault enforces; the vault decides.
 */
import './style.css';
import {
  BRAND_NAMES,
  cvcLength,
  detectBrand,
  normalizeCardNumber,
  validateCard,
} from '@parley/protocol/card';
import type { CardField, CardFormInput } from '@parley/protocol/card';
import { ApiError, apiFor } from './api';
import type { PayPageView as PageView } from '@parley/protocol';

function el<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`missing #${id}`);
  return found as T;
}

function meta(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
}

const paymentId = meta('parley-payment-id');
const openerOrigin = meta('parley-opener-origin');
const api = apiFor(paymentId);
const inputs: Record<CardField, HTMLInputElement> = {
  number: el('card-number'),
  expiry: el('card-expiry'),
  cvc: el('card-cvc'),
  name: el('card-name'),
};
const touched = new Set<CardField>();
const sections = [
  'pay-form-section',
  'pay-challenge',
  'pay-processing',
  'pay-success',
  'pay-failure',
] as const;
let idempotencyKey: string | undefined;
let notified = false;

function show(section: (typeof sections)[number] | null): void {
  for (const id of sections) el(id).hidden = id !== section;
}

function formatAmount(view: PageView): string {
  const digits =
    new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency: view.currency,
    }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: view.currency }).format(
    view.amount / 10 ** digits,
  );
}

function notifyOpener(status: string): void {
  // A courtesy only: the chat learns the status from the vault's signed event.
  if (notified || !openerOrigin || !window.opener) return;
  notified = true;
  try {
    (window.opener as Window).postMessage({ type: 'parley:payment', status }, openerOrigin);
  } catch {
    /* the opener may have navigated away */
  }
}

function currentInput(): CardFormInput {
  return {
    number: inputs.number.value,
    expiry: inputs.expiry.value,
    cvc: inputs.cvc.value,
    name: inputs.name.value,
  };
}

function renderErrors(all: boolean): boolean {
  const errors = validateCard(currentInput());
  for (const field of Object.keys(inputs) as CardField[]) {
    const message = all || touched.has(field) ? (errors[field] ?? '') : '';
    el(`card-${field}-error`).textContent = message;
    inputs[field].setAttribute('aria-invalid', message ? 'true' : 'false');
  }
  const brand = detectBrand(normalizeCardNumber(inputs.number.value));
  el('card-brand').textContent = brand === 'unknown' ? '' : BRAND_NAMES[brand];
  inputs.cvc.maxLength = cvcLength(brand);
  return Object.keys(errors).length === 0;
}

function render(view: PageView): void {
  el('pay-root').setAttribute('aria-busy', 'false');
  el('pay-root').dataset.status = view.status;
  el('pay-merchant').textContent = view.merchantName;
  el('pay-amount').textContent = formatAmount(view);
  el('pay-description').textContent = view.description;
  el('pay-submit').textContent = `Pay ${formatAmount(view)}`;
  switch (view.status) {
    case 'created':
    case 'opened':
      show('pay-form-section');
      return;
    case 'requires_action':
      if (view.action?.type === 'redirect') {
        show('pay-processing');
        window.location.assign(view.action.url);
        return;
      }
      el('pay-challenge-text').textContent =
        `Your bank asks you to confirm a payment of ${formatAmount(view)} to ${view.merchantName}. (Test gateway: choose an answer.)`;
      show('pay-challenge');
      return;
    case 'succeeded':
      el('pay-success-text').textContent =
        `${formatAmount(view)} paid${view.brand && view.last4 ? ` with ${BRAND_NAMES[view.brand as keyof typeof BRAND_NAMES] ?? 'card'} ending ${view.last4}` : ''}. You can close this window and return to the chat.`;
      show('pay-success');
      notifyOpener('succeeded');
      return;
    case 'failed':
    case 'canceled':
    case 'expired':
      el('pay-failure-title').textContent =
        view.status === 'failed'
          ? 'Payment failed'
          : view.status === 'canceled'
            ? 'Payment canceled'
            : 'Payment request expired';
      el('pay-failure-message').textContent =
        view.failureMessage ??
        (view.status === 'canceled'
          ? 'The merchant canceled this payment request.'
          : view.status === 'expired'
            ? 'This payment request has expired.'
            : '');
      show('pay-failure');
      notifyOpener(view.status);
      return;
  }
}

function showError(error: unknown): void {
  const message =
    error instanceof ApiError
      ? error.message
      : 'The payment could not be sent. Check your connection and try again.';
  if (
    error instanceof ApiError &&
    (error.code === 'payment_expired' ||
      error.code === 'invalid_state' ||
      error.code === 'invalid_session')
  ) {
    api.details().then(render, () => undefined);
  }
  el('pay-form-error').textContent = message;
}

async function submit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  el('pay-form-error').textContent = '';
  if (!renderErrors(true)) {
    const first = (Object.keys(inputs) as CardField[]).find(
      (f) => inputs[f].getAttribute('aria-invalid') === 'true',
    );
    if (first) inputs[first].focus();
    return;
  }
  const button = el<HTMLButtonElement>('pay-submit');
  button.disabled = true;
  // One key per attempt: a double click or a retry after a lost answer is the same charge.
  idempotencyKey ??= crypto.randomUUID();
  show('pay-processing');
  try {
    render(await api.confirm({ ...currentInput(), idempotencyKey }));
  } catch (error) {
    show('pay-form-section');
    showError(error);
  } finally {
    button.disabled = false;
  }
}

async function answer(approve: boolean): Promise<void> {
  el<HTMLButtonElement>('challenge-approve').disabled = true;
  el<HTMLButtonElement>('challenge-deny').disabled = true;
  show('pay-processing');
  try {
    render(await api.challenge(approve));
  } catch (error) {
    show('pay-challenge');
    el('pay-challenge-text').textContent =
      error instanceof ApiError ? error.message : 'The answer could not be sent; try again.';
  } finally {
    el<HTMLButtonElement>('challenge-approve').disabled = false;
    el<HTMLButtonElement>('challenge-deny').disabled = false;
  }
}

function start(): void {
  for (const field of Object.keys(inputs) as CardField[]) {
    inputs[field].addEventListener('input', () => {
      if (field !== 'name') idempotencyKey = undefined;
      renderErrors(false);
    });
    inputs[field].addEventListener('blur', () => {
      touched.add(field);
      renderErrors(false);
    });
  }
  el('pay-form').addEventListener('submit', (e) => void submit(e));
  el('challenge-approve').addEventListener('click', () => void answer(true));
  el('challenge-deny').addEventListener('click', () => void answer(false));
  // The link is single-use: a reload goes to the session URL instead.
  if (paymentId && !window.location.pathname.startsWith('/pay/p/'))
    history.replaceState(null, '', `/pay/p/${encodeURIComponent(paymentId)}`);
  api.details().then(render, (error: unknown) => {
    el('pay-load-error').hidden = false;
    el('pay-load-error').textContent =
      error instanceof ApiError ? error.message : 'The payment could not be loaded.';
  });
}

start();
