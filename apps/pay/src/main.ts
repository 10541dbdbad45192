/**
 * The pay window. Vanilla TypeScript, nothing inline. With the test gateway it
 * shows its own card form (formatted as typed, validated live with the rules
 * the vault enforces); with a hosted processor it mounts the processor's
 * element instead, so the card never reaches this page or the vault (SAQ A).
 * After a decline the customer can try again here, as a new attempt of the
 * same request; after success it offers "Back to the chat" and closes itself.
 */
import './style.css';
import {
  BRAND_NAMES,
  cvcLength,
  detectBrand,
  formatCardNumber,
  formatExpiry,
  normalizeCardNumber,
  validateCard,
} from '@parley/protocol/card';
import type { CardBrand, CardField, CardFormInput } from '@parley/protocol/card';
import {
  cardErrorText,
  errorText,
  failureText,
  formatAmount,
  intlLocale,
  lang,
  loadLanguage,
  t,
  translatePage,
} from './i18n';
import { ApiError, apiFor } from './api';
import type { PayPageView as PageView } from '@parley/protocol';
import { loadScript, type StripeClient, type StripeElements } from './stripe';
import {
  CardDetailsInvalid,
  decimalAmount,
  mountBraintree,
  type BraintreeMount,
} from './braintree';

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
  'pay-hosted-section',
  'pay-challenge',
  'pay-processing',
  'pay-success',
  'pay-failure',
] as const;
type Section = (typeof sections)[number];
let idempotencyKey: string | undefined;
let lastNotified = '';
let current: PageView | undefined;
/** Seconds before the window closes itself after success. */
const CLOSE_AFTER_S = 8;

function show(section: Section | null): void {
  for (const id of sections) el(id).hidden = id !== section;
}

/** Moves focus to a result and announces it (WCAG 4.1.3). */
function announce(focusId: string, text: string): void {
  el('pay-announce').textContent = text;
  el(focusId).focus();
}

const money = (view: PageView) => formatAmount(view.amount, view.currency);

function notifyOpener(status: string): void {
  // A courtesy only: the chat learns the status from the vault's signed event.
  if (status === lastNotified || !openerOrigin || !window.opener) return;
  lastNotified = status;
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

function showBrand(brand: CardBrand): void {
  const mark = el('card-brand-mark');
  mark.className = `brand-mark brand-${brand}`;
  mark.textContent = brand === 'unknown' ? '' : BRAND_MARKS[brand];
  el('card-brand-name').textContent = brand === 'unknown' ? '' : BRAND_NAMES[brand];
}

const BRAND_MARKS: Record<Exclude<CardBrand, 'unknown'>, string> = {
  visa: 'VISA',
  mastercard: 'MC',
  amex: 'AMEX',
  discover: 'DISC',
  diners: 'DC',
  jcb: 'JCB',
  unionpay: 'UP',
};

function renderErrors(all: boolean): boolean {
  const errors = validateCard(currentInput());
  for (const field of Object.keys(inputs) as CardField[]) {
    const error = errors[field];
    const message = (all || touched.has(field)) && error ? cardErrorText(error) : '';
    el(`card-${field}-error`).textContent = message;
    inputs[field].setAttribute('aria-invalid', message ? 'true' : 'false');
  }
  const brand = detectBrand(normalizeCardNumber(inputs.number.value));
  showBrand(brand);
  inputs.cvc.maxLength = cvcLength(brand);
  return Object.keys(errors).length === 0;
}

function render(view: PageView): void {
  const before = current?.status;
  current = view;
  el('pay-root').setAttribute('aria-busy', 'false');
  el('pay-root').dataset.status = view.status;
  el('pay-merchant').textContent = view.merchantName;
  el('pay-amount').textContent = money(view);
  el('pay-description').textContent = view.description;
  el('pay-submit').textContent = t('page.payAmount', { amount: money(view) });
  el('pay-hosted-submit').textContent = t('page.payAmount', { amount: money(view) });
  if (view.processor) el('pay-safety-note').textContent = t('page.safetyNoteProcessor');
  switch (view.status) {
    case 'created':
    case 'opened':
      notifyOpener('opened');
      if (view.processor) {
        if (!hosted && !braintreeFields) void startHosted(view);
        else show('pay-hosted-section');
      } else show('pay-form-section');
      return;
    case 'requires_action':
      if (view.action?.type === 'redirect') {
        show('pay-processing');
        window.location.assign(view.action.url);
        return;
      }
      el('pay-challenge-text').textContent = t('challenge.textAmount', {
        amount: money(view),
        merchant: view.merchantName,
      });
      show('pay-challenge');
      notifyOpener('requires_action');
      if (before !== 'requires_action') el('challenge-approve').focus();
      return;
    // Disputed later with the bank: the payment itself was made, so the page says so.
    case 'disputed':
    case 'succeeded': {
      const known =
        view.brand && view.brand !== 'unknown' ? BRAND_NAMES[view.brand as CardBrand] : undefined;
      const brand = known ?? t('form.brandCard');
      el('pay-success-text').textContent = view.last4
        ? t('success.paidWithCard', { amount: money(view), brand, last4: view.last4 })
        : t('success.paid', { amount: money(view) });
      show('pay-success');
      notifyOpener('succeeded');
      announce(
        'pay-success-title',
        t('success.announce', { details: el('pay-success-text').textContent }),
      );
      closeSoon();
      return;
    }
    case 'failed':
    case 'canceled':
    case 'expired':
      el('pay-failure-title').textContent =
        view.status === 'failed'
          ? t('failure.failed')
          : view.status === 'canceled'
            ? t('failure.canceled')
            : t('failure.expired');
      el('pay-failure-message').textContent =
        view.status === 'canceled'
          ? t('failure.canceledText')
          : view.status === 'expired'
            ? t('failure.expiredText')
            : failureText(view.failureCode);
      el('pay-retry').hidden = !view.canRetry;
      el('pay-failure-next').textContent = view.canRetry
        ? t('failure.nextRetry')
        : t('failure.nextAskAgent');
      show('pay-failure');
      notifyOpener(view.status);
      announce(
        'pay-failure-title',
        `${el('pay-failure-title').textContent}. ${el('pay-failure-message').textContent}`,
      );
      return;
  }
}

let closeTimer: ReturnType<typeof setInterval> | undefined;
function backToChat(): void {
  try {
    (window.opener as Window | null)?.focus();
  } catch {
    /* cross-origin opener gone */
  }
  window.close();
}
function closeSoon(): void {
  if (closeTimer) return;
  let left = CLOSE_AFTER_S;
  el('pay-closing').textContent = t('success.closing', { count: left });
  closeTimer = setInterval(() => {
    left -= 1;
    if (left <= 0) {
      clearInterval(closeTimer);
      backToChat();
      return;
    }
    el('pay-closing').textContent = t('success.closing', { count: left });
  }, 1000);
}

function showError(error: unknown): void {
  const message = error instanceof ApiError ? errorText(error.code) : t('error.sendFailed');
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
      error instanceof ApiError ? errorText(error.code) : t('challenge.sendFailed');
  } finally {
    el<HTMLButtonElement>('challenge-approve').disabled = false;
    el<HTMLButtonElement>('challenge-deny').disabled = false;
  }
}

// ---- hosted processors (Stripe Payment Element) ---------------------------------

let hosted:
  | { stripe: StripeClient; elements: StripeElements; returnUrl: string; destroy(): void }
  | undefined;

let braintreeFields: BraintreeMount | undefined;

/** Braintree: the vault makes the client token, this page mounts Hosted Fields with it. */
async function startBraintree(view: PageView): Promise<void> {
  const processor = view.processor;
  if (!processor) return;
  show('pay-hosted-section');
  const button = el<HTMLButtonElement>('pay-hosted-submit');
  button.disabled = true;
  el('pay-hosted-error').textContent = '';
  idempotencyKey ??= crypto.randomUUID();
  try {
    const { clientSecret } = await api.intent(idempotencyKey);
    braintreeFields?.destroy();
    braintreeFields = await mountBraintree(
      el('processor-element'),
      processor.scriptUrl,
      clientSecret,
      processor.threeDSecure ?? false,
    );
    button.disabled = false;
  } catch (error) {
    el('pay-hosted-error').textContent =
      error instanceof ApiError ? errorText(error.code) : t('error.formLoadFailed');
    if (error instanceof ApiError && error.code !== 'gateway_error')
      api.details().then(render, () => undefined);
  }
}

async function submitBraintree(fields: BraintreeMount): Promise<void> {
  const view = current;
  if (!view || !idempotencyKey) return;
  const key = idempotencyKey;
  const button = el<HTMLButtonElement>('pay-hosted-submit');
  button.disabled = true;
  el('pay-hosted-error').textContent = '';
  let nonce: string;
  try {
    nonce = await fields.nonce(decimalAmount(view.amount, view.currency));
  } catch (error) {
    el('pay-hosted-error').textContent =
      error instanceof CardDetailsInvalid ? error.message : t('error.processorCheckFailed');
    button.disabled = false;
    return;
  }
  show('pay-processing');
  try {
    // The vault spends the nonce for the stored amount; its answer is the outcome.
    render(await api.nonce(key, nonce));
  } catch (error) {
    show('pay-hosted-section');
    el('pay-hosted-error').textContent =
      error instanceof ApiError ? errorText(error.code) : t('error.vaultUnreachable');
    button.disabled = false;
    if (error instanceof ApiError && error.code !== 'gateway_error')
      api.details().then(render, () => undefined);
  }
}

/** Starts an attempt with the processor: the vault makes the intent, this page mounts its element. */
async function startHosted(view: PageView): Promise<void> {
  const processor = view.processor;
  if (!processor) return;
  if (processor.type === 'braintree') return startBraintree(view);
  show('pay-hosted-section');
  const button = el<HTMLButtonElement>('pay-hosted-submit');
  button.disabled = true;
  el('pay-hosted-error').textContent = '';
  // One key per attempt, kept until that attempt ends, so a retried call is the same intent.
  idempotencyKey ??= crypto.randomUUID();
  try {
    await loadScript(processor.scriptUrl);
    if (!window.Stripe) throw new Error('Stripe.js missing');
    const { clientSecret, returnUrl } = await api.intent(idempotencyKey);
    const stripe = window.Stripe(processor.publishableKey);
    // The Payment Element speaks the page's language (Stripe knows de, fr, es; en-XA is en).
    const elements = stripe.elements({ clientSecret, locale: intlLocale });
    const element = elements.create('payment');
    element.on('ready', () => {
      button.disabled = false;
    });
    hosted?.destroy();
    el('processor-element').replaceChildren();
    element.mount('#processor-element');
    hosted = { stripe, elements, returnUrl, destroy: () => element.destroy() };
  } catch (error) {
    el('pay-hosted-error').textContent =
      error instanceof ApiError ? errorText(error.code) : t('error.formLoadFailed');
    if (error instanceof ApiError && error.code !== 'gateway_error')
      api.details().then(render, () => undefined);
  }
}

async function submitHosted(): Promise<void> {
  if (braintreeFields) return submitBraintree(braintreeFields);
  if (!hosted) return;
  const button = el<HTMLButtonElement>('pay-hosted-submit');
  button.disabled = true;
  el('pay-hosted-error').textContent = '';
  const result = await hosted.stripe.confirmPayment({
    elements: hosted.elements,
    confirmParams: { return_url: hosted.returnUrl },
    redirect: 'if_required',
  });
  // Incomplete fields are the element's own business: it shows them; nothing was attempted.
  if (result.error && result.error.type === 'validation_error') {
    button.disabled = false;
    return;
  }
  show('pay-processing');
  try {
    // The vault asks the processor what happened; the page's own answer decides nothing.
    const view = await api.sync();
    if (view.status === 'opened' && result.error) {
      show('pay-hosted-section');
      el('pay-hosted-error').textContent = result.error.message ?? t('failure.notThrough');
      button.disabled = false;
      return;
    }
    render(view);
  } catch (error) {
    show('pay-hosted-section');
    el('pay-hosted-error').textContent =
      error instanceof ApiError ? errorText(error.code) : t('error.vaultUnreachable');
    button.disabled = false;
  }
}

/** After a decline: a new attempt of the same request, in this window. */
function retry(): void {
  idempotencyKey = undefined;
  if (current?.processor) {
    hosted?.destroy();
    hosted = undefined;
    braintreeFields?.destroy();
    braintreeFields = undefined;
    void startHosted(current).then(() => el('pay-hosted-title').focus());
    return;
  }
  inputs.number.value = '';
  inputs.cvc.value = '';
  touched.clear();
  renderErrors(false);
  el('pay-form-error').textContent = '';
  show('pay-form-section');
  inputs.number.focus();
}

function formatAsTyped(input: HTMLInputElement, format: (v: string, deleting: boolean) => string) {
  input.addEventListener('input', (e) => {
    const deleting = (e as InputEvent).inputType?.startsWith('delete') ?? false;
    const atEnd = input.selectionStart === input.value.length;
    const next = format(input.value, deleting);
    if (next !== input.value) {
      input.value = next;
      if (atEnd) input.setSelectionRange(next.length, next.length);
    }
  });
}

function start(): void {
  formatAsTyped(inputs.number, (v) => formatCardNumber(v));
  formatAsTyped(inputs.expiry, (v, deleting) => formatExpiry(v, deleting));
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
  el('pay-hosted-submit').addEventListener('click', () => void submitHosted());
  el('challenge-approve').addEventListener('click', () => void answer(true));
  el('challenge-deny').addEventListener('click', () => void answer(false));
  el('pay-retry').addEventListener('click', retry);
  el('pay-back').addEventListener('click', backToChat);
  // The chat's card says "closed without paying" when the window goes away unpaid.
  window.addEventListener('pagehide', () => {
    if (current && current.status !== 'succeeded') notifyOpener('closed');
  });
  // The link is single-use: a reload goes to the session URL instead.
  // The language stays in the URL, so a reload keeps it.
  const query = lang === 'en' ? '' : `?lang=${encodeURIComponent(lang)}`;
  if (paymentId && !window.location.pathname.startsWith('/pay/p/'))
    history.replaceState(null, '', `/pay/p/${encodeURIComponent(paymentId)}${query}`);
  // The customer's catalog before the first words are shown (English if it cannot be fetched).
  const ready = loadLanguage()
    .catch(() => undefined)
    .then(() => translatePage(document));
  Promise.all([api.details(), ready]).then(
    ([view]) => render(view),
    (error: unknown) => {
      el('pay-load-error').hidden = false;
      void ready.then(() => {
        el('pay-load-error').textContent =
          error instanceof ApiError ? errorText(error.code) : t('error.loadFailed');
      });
    },
  );
}

start();
