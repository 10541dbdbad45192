/** Picks the configured gateway. */
import type { VaultConfig } from '../config';
import type { AnyGateway } from './gateway';
import { TestGateway } from './test/test-gateway';
import { StripeGateway } from './stripe/stripe-gateway';
import { StripeHostedGateway } from './stripe/hosted-gateway';

export function createGateway(config: VaultConfig): AnyGateway {
  switch (config.gateway) {
    case 'test':
      return new TestGateway();
    case 'stripe': {
      const { secretKey, publishableKey, jsUrl, apiBase, rawCardSaqD } = config.stripe;
      if (!secretKey) throw new Error('STRIPE_SECRET_KEY is required for the stripe gateway');
      // SAQ D only by explicit choice; the default is Stripe's hosted Payment Element (SAQ A).
      if (rawCardSaqD) return new StripeGateway({ secretKey, apiBase });
      if (!publishableKey)
        throw new Error('STRIPE_PUBLISHABLE_KEY is required for the stripe gateway');
      return new StripeHostedGateway({ secretKey, publishableKey, jsUrl, apiBase });
    }
  }
}
export { isHosted } from './gateway';
export type { AnyGateway, HostedGateway, Gateway, GatewayOutcome } from './gateway';
