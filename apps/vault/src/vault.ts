/** Starts the vault: store, keys, gateway, HTTP, event delivery, expiry sweep. */
import type { AddressInfo } from 'node:net';
import type { VaultConfig } from './config';
import { resolveEncryptionKey } from './config';
import type { VaultContext } from './context';
import type { AnyGateway } from './gateways/gateway';
import { createGateway } from './gateways';
import { buildApp, type RouteEntry } from './http/app';
import { deriveKey } from './lib/crypto';
import { createLogger } from './logger';
import { Outbox } from './modules/events/outbox';
import { expireDue } from './modules/payments';
import { paymentRoutes } from './modules/payments/routes';
import { payRoutes } from './modules/pay';
import { anonymiseExpired, privacyRoutes } from './modules/privacy';
import { stripeWebhookRoutes } from './gateways/stripe/webhook';
import { braintreeWebhookRoutes } from './gateways/braintree/webhook';
import { openStore } from './store/connect';

export interface RunningVault {
  url: string;
  close(): Promise<void>;
  /** For tests in this package only. */
  context: VaultContext;
  /** Every route the vault serves (for the header test). */
  routes: RouteEntry[];
}

export interface StartOptions {
  /** Replaces the configured gateway (tests). */
  gateway?: AnyGateway;
}

export async function startVault(
  config: VaultConfig,
  options: StartOptions = {},
): Promise<RunningVault> {
  const log = createLogger(config.logLevel, config.logStream);
  const key = resolveEncryptionKey(config);
  const store = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    schema: config.databaseSchema,
  });
  const gateway = options.gateway ?? createGateway(config);
  const outbox = new Outbox({
    db: store.db,
    log,
    serverUrl: config.serverUrl,
    secret: config.signingSecretOut,
    baseDelayMs: config.eventRetryBaseMs,
    maxDelayMs: config.eventRetryMaxMs,
  });
  const ctx: VaultContext = {
    config,
    store,
    gateway,
    log,
    outbox,
    keys: { data: deriveKey(key, 'card-data'), link: deriveKey(key, 'pay-link') },
    publicOrigin: config.publicUrl ? new URL(config.publicUrl).origin : '',
  };
  const app = await buildApp(ctx);
  await paymentRoutes(app, ctx);
  await payRoutes(app, ctx);
  await privacyRoutes(app, ctx);
  if (config.gateway === 'stripe' || config.stripe.webhookSecret)
    await stripeWebhookRoutes(app, ctx);
  if (config.gateway === 'braintree') await braintreeWebhookRoutes(app, ctx);
  const address = await app.listen({ port: config.port, host: config.host });
  const bound = app.server.address() as AddressInfo;
  const url = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  // Without a public URL the vault is reached on its own listen address.
  if (!ctx.publicOrigin) ctx.publicOrigin = new URL(url).origin;
  log.debug({ address }, 'vault bound');
  outbox.start();
  const sweep = setInterval(() => {
    expireDue(ctx).catch((error: unknown) => log.error({ err: error }, 'expiry sweep failed'));
    anonymiseExpired(ctx).catch((error: unknown) =>
      log.error({ err: error }, 'payment retention sweep failed'),
    );
  }, 30_000);
  sweep.unref();
  let closing: Promise<void> | undefined;
  return {
    url,
    context: ctx,
    routes: app.vaultRoutes,
    close() {
      closing ??= (async () => {
        clearInterval(sweep);
        await app.close();
        await outbox.stop();
        await store.close();
      })();
      return closing;
    },
  };
}
