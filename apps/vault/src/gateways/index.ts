/** Picks the configured gateway. */
import type { VaultConfig } from '../config';
import type { Gateway } from './gateway';
import { TestGateway } from './test/test-gateway';
import { StripeGateway } from './stripe/stripe-gateway';

export function createGateway(config: VaultConfig): Gateway {
  switch (config.gateway) {
    case 'test':
      return new TestGateway();
    case 'stripe':
      if (!config.stripe.secretKey)
        throw new Error('STRIPE_SECRET_KEY is required for the stripe gateway');
      return new StripeGateway({
        secretKey: config.stripe.secretKey,
        apiBase: config.stripe.apiBase,
      });
  }
}
