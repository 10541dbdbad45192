/** What every vault service needs, built once by startVault. */
import type { Logger } from 'pino';
import type { VaultConfig } from './config';
import type { AnyGateway } from './gateways/gateway';
import type { Outbox } from './modules/events/outbox';
import type { VaultStore } from './store/connect';

export interface VaultContext {
  config: VaultConfig;
  store: VaultStore;
  gateway: AnyGateway;
  log: Logger;
  outbox: Outbox;
  keys: {
    /** AES-256-GCM key for stored card numbers (card-on-file). */
    data: Buffer;
    /** HMAC key the pay link tokens derive from. */
    link: Buffer;
  };
  /** Origin the browser sees the vault on, e.g. https://pay.example.com. */
  publicOrigin: string;
}
