export {
  createPaymentService,
  DEFAULT_CURRENCIES,
  type PaymentService,
  type PaymentDeps,
} from './service';
export { createVaultClient, type VaultClient, type VaultClientOptions } from './vault-client';
export { registerPaymentRoutes, type PaymentRouteDeps } from './routes';
export { presentPayment, presentPaymentFrame } from './presenter';
