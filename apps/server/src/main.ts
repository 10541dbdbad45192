import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type pino from 'pino';
import { createLocalBus, createRedisBus, type Bus } from './bus';
import type { Config } from './config';
import { buildApp } from './http/app';
import { faultSnapshot, type FaultCounter } from './lib/fault-counters';
import { installProcessGuards } from './lib/process-guard';
import { errorContext } from './lib/store-errors';
import { createLogger, type Logger } from './logger';
import { createGateway, type Gateway } from './realtime';
import { createGroupCommitter, createStore, type Store, type StoreOptions } from './store';
import {
  createAuthService,
  createMfaService,
  SESSION_COOKIE,
  type AuthRouteOptions,
} from './modules/auth';
import { createSecurityEvents } from './modules/security';
import {
  createChatService,
  createHeldPieces,
  createMessageMasker,
  type ChatService,
} from './modules/chat';
import { createMaskingSettingsService } from './modules/masking-settings';
import { createVisitorService } from './modules/visitors';
import { createPaymentService, createVaultClient, type PaymentService } from './modules/payments';

import { VERSION } from './version';

export { VERSION };

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  bus: Bus;
  chat: ChatService;
  payments: PaymentService;
  app: FastifyInstance;
  gateway: Gateway;
  log: Logger;
  /** Failures contained so far (lib/fault-counters.ts), for a metrics exporter. */
  faults(): Record<FaultCounter, number>;
  close(): Promise<void>;
}

export function storeOptionsFor(config: Pick<Config, 'databaseUrl' | 'dataDir'>): StoreOptions {
  if (config.databaseUrl) return { kind: 'postgres', url: config.databaseUrl };
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  return { kind: 'sqlite', file: join(config.dataDir, 'parley.db') };
}

export interface StartOptions {
  /** Use this store instead of opening one (tests); it is not closed by close(). */
  store?: Store;
  logDestination?: pino.DestinationStream;
  /**
   * Install the process-level handlers (lib/process-guard.ts): an error that
   * escapes is logged, the node drains and the process exits 70 for its
   * supervisor to restart it. For the CLI; tests leave it off.
   */
  processGuards?: boolean;
}

/**
 * Starts one server node: store (migrated), bus, ingest pipeline, HTTP API and
 * realtime gateway. Any number of nodes can run against the same store and bus.
 */
export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  const log = createLogger(config.logLevel, options.logDestination);
  const store = options.store ?? (await createStore(storeOptionsFor(config)));
  if (!options.store) await store.migrate();
  const bus = config.redisUrl
    ? await createRedisBus(config.redisUrl, log)
    : createLocalBus((topic, err) =>
        log.error(
          { topic, ...errorContext(err) },
          'bus: a subscriber failed; the others were served',
        ),
      );
  const committer = createGroupCommitter(store, {
    onStall: ({ stalled, waiting }) =>
      stalled
        ? log.error(
            { waiting },
            'store: a commit missed its deadline; sends fail with store_unavailable until it settles',
          )
        : log.info({ waiting }, 'store: answering again; commits resumed'),
  });
  const maskingSettings = createMaskingSettingsService({ store, bus, log });
  await maskingSettings.start();
  const masker = createMessageMasker({ optionsFor: (orgId) => maskingSettings.optionsFor(orgId) });
  const held = createHeldPieces({ store, bus, log });
  await held.start();
  const chat = createChatService({
    store,
    bus,
    committer,
    masker,
    held,
    log,
    maskingReady: (orgId) => maskingSettings.ready(orgId),
  });
  const events = createSecurityEvents({ store, bus, log });
  const auth = createAuthService({ store, config, bus, events });
  const mfa = createMfaService({ store, auth, events });
  const visitors = createVisitorService(store, { tokenDays: config.visitorTokenDays });
  const vault =
    config.vaultUrl && config.vaultSecretOut
      ? createVaultClient({ url: config.vaultUrl, secret: config.vaultSecretOut, log })
      : undefined;
  const payments = createPaymentService({
    store,
    bus,
    chat,
    log,
    vault,
    eventSecret: config.vaultSecretIn,
  });

  // Filled in once the port is known (port 0 in tests).
  const selfOrigins = new Set<string>();
  const authRoutes: AuthRouteOptions = {
    auth,
    mfa,
    events,
    store,
    secureCookies: config.publicUrl?.startsWith('https:') ?? false,
    selfOrigins,
  };
  let ready = false;
  const app = await buildApp({
    log,
    store,
    chat,
    visitors,
    payments,
    maskingSettings,
    authRoutes,
    webRoot: config.webRoot,
    trustProxy: config.trustProxy,
    version: VERSION,
    isReady: () => ready,
  });
  const gateway = createGateway({
    chat,
    auth,
    visitors,
    bus,
    store,
    log,
    selfOrigins,
    sessionCookie: SESSION_COOKIE,
    trustProxy: config.trustProxy,
    events,
    rate: { burst: config.wsRateBurst, perSecond: config.wsRatePerSecond },
    parseCookie: (header) => app.parseCookie(header),
  });
  app.server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));

  await app.listen({ host: config.host, port: config.port });
  const port = (app.server.address() as AddressInfo).port;
  if (config.publicUrl) {
    selfOrigins.add(new URL(config.publicUrl).origin);
  } else {
    for (const h of ['localhost', '127.0.0.1', '[::1]']) selfOrigins.add(`http://${h}:${port}`);
  }
  const url = config.publicUrl?.replace(/\/$/, '') ?? `http://localhost:${port}`;
  ready = true;
  log.info(
    { url, dialect: store.dialect, bus: config.redisUrl ? 'redis' : 'local' },
    'parley server ready',
  );

  let closing: Promise<void> | undefined;
  let removeGuards: (() => void) | undefined;
  const close = () =>
    (closing ??= (async () => {
      ready = false;
      await gateway.close();
      await app.close();
      await committer.close();
      await maskingSettings.stop();
      held.stop();
      await bus.close();
      if (!options.store) await store.close();
      removeGuards?.();
    })());
  if (options.processGuards) removeGuards = installProcessGuards({ log, drain: close });
  return {
    url,
    port,
    store,
    bus,
    chat,
    payments,
    app,
    gateway,
    log,
    faults: faultSnapshot,
    close,
  };
}
