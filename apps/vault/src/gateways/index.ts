/** Picks the configured gateway. */
import type { VaultConfig } from '../config';
import type { AnyGateway } from './gateway';
import { TestGateway } from './test/test-gateway';
import { StripeGateway } from './stripe/stripe-gateway';
import { StripeHostedGateway } from './stripe/hosted-gateway';
import { BraintreeHostedGateway } from './braintree/braintree-gateway';

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
    case 'braintree': {
      const bt = config.braintree;
      if (!bt.merchantId || !bt.publicKey || !bt.privateKey)
        throw new Error('VAULT_BRAINTREE_MERCHANT_ID, _PUBLIC_KEY and _PRIVATE_KEY are required');
      return new BraintreeHostedGateway({
        environment: bt.environment,
        merchantId: bt.merchantId,
        publicKey: bt.publicKey,
        privateKey: bt.privateKey,
        merchantAccounts: bt.merchantAccounts,
        jsUrl: bt.jsUrl,
        apiUrl: bt.apiUrl,
        threeDSecure: bt.threeDSecure,
      });
    }
  }
}
export { isHosted } from './gateway';
export type { AnyGateway, HostedGateway, Gateway, GatewayOutcome } from './gateway';
