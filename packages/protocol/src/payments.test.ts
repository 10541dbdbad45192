import { describe, expect, it } from 'vitest';
import { attemptDashboardUrl, PaymentAttemptSchema, processorDashboardUrl } from './payments';

const attempt = (over: Record<string, unknown>) =>
  PaymentAttemptSchema.parse({
    attempt: 1,
    status: 'succeeded',
    brand: 'visa',
    last4: '1111',
    reference: null,
    livemode: null,
    failureMessage: null,
    createdAt: '2026-12-07T12:00:00.000Z',
    ...over,
  });

describe('the agent’s link to the transaction in the processor’s dashboard', () => {
  it('Stripe: the payment by its intent id, in the test or live view by the intent’s mode', () => {
    expect(processorDashboardUrl('pi_3Abc', false)).toBe(
      'https://dashboard.stripe.com/test/payments/pi_3Abc',
    );
    expect(processorDashboardUrl('pi_3Abc', true)).toBe(
      'https://dashboard.stripe.com/payments/pi_3Abc',
    );
    expect(attemptDashboardUrl('pi_3Abc', attempt({ processor: 'stripe', livemode: true }))).toBe(
      'https://dashboard.stripe.com/payments/pi_3Abc',
    );
  });

  it('Braintree: the Control Panel of the vault’s merchant, sandbox or production by the attempt', () => {
    const sandbox = attempt({ processor: 'braintree', merchantId: 'acme_shop', livemode: false });
    expect(attemptDashboardUrl('k8fsg9rm', sandbox)).toBe(
      'https://sandbox.braintreegateway.com/merchants/acme_shop/transactions/k8fsg9rm',
    );
    const live = attempt({ processor: 'braintree', merchantId: 'acme_shop', livemode: true });
    expect(attemptDashboardUrl('k8fsg9rm', live)).toBe(
      'https://www.braintreegateway.com/merchants/acme_shop/transactions/k8fsg9rm',
    );
  });

  it('no link without a merchant id, for an attempt known only by its order id, or for the test gateway', () => {
    const noMerchant = attempt({ processor: 'braintree', merchantId: null, livemode: false });
    expect(attemptDashboardUrl('k8fsg9rm', noMerchant)).toBeNull();
    const bt = attempt({ processor: 'braintree', merchantId: 'acme_shop', livemode: false });
    expect(attemptDashboardUrl('bt-order:parley-intent-ch_1', bt)).toBeNull();
    expect(attemptDashboardUrl('test_ch_123', attempt({ processor: 'test' }))).toBeNull();
    expect(attemptDashboardUrl(null, bt)).toBeNull();
    // A merchant id that would change the URL's shape is refused by the schema and the builder.
    expect(() => attempt({ processor: 'braintree', merchantId: 'a/../b' })).toThrow();
    expect(processorDashboardUrl('k8fsg9rm', false, { merchantId: 'a/../b' })).toBeNull();
  });

  it('older attempts without a processor still link Stripe intents', () => {
    expect(attemptDashboardUrl('pi_old', attempt({}))).toBe(
      'https://dashboard.stripe.com/test/payments/pi_old',
    );
    expect(attemptDashboardUrl('pi_old', undefined)).toBe(
      'https://dashboard.stripe.com/test/payments/pi_old',
    );
  });
});
