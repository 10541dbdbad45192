import { join } from 'node:path';
import { isIP } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type pino from 'pino';
import { createLocalBus, createRedisBus, type Bus } from './bus';
import type { Config } from './config';
import { buildApp } from './http/app';
import { createDependencyChecks } from './http/ops';
import { startHttpRedirect } from './http/tls';
import { faultSnapshot, type FaultCounter } from './lib/fault-counters';
import {
  instrumentBus,
  instrumentCommitter,
  instrumentMasker,
  instrumentSend,
} from './lib/instrument';
import { createMetrics, type Metrics } from './lib/metrics';
import { installProcessGuards } from './lib/process-guard';
import { errorContext } from './lib/store-errors';
import { createLogger, type Logger } from './logger';
import { createGateway, type Gateway } from './realtime';
import { createGroupCommitter, createStore, type Store, type StoreOptions } from './store';
import {
  createAdmission,
  createAttempts,
  createAuthService,
  createMfaService,
  createOidcService,
  createPasskeyService,
  createProofOfWork,
  createSessionLock,
  sessionCookieName,
  verifyPassword,
  type AuthRouteOptions,
} from './modules/auth';
import { createAgentsService } from './modules/agents';
import {
  createAccountService,
  createAdminResets,
  createUnlockLinks,
  type UnlockLinks,
} from './modules/account';
import { createMailService, createSmtpTransport, type MailService } from './modules/mail';
import { siemFromConfig } from './modules/siem';
import { checkpointFileOf, startAuditAnchor } from './modules/audit';
import {
  assertInstallationKeys,
  bindKeyring,
  createSecurityEvents,
  createSecuritySettingsService,
  createWebhookTargetPolicy,
  derivedKey,
  loadDataKeks,
  loadKeyring,
  sealLegacySecrets,
  secureDataDir,
  createRedisSignals,
  createSignals,
  type Signals,
} from './modules/security';
import {
  createChatService,
  createHeldPieces,
  createMessageMasker,
  type ChatService,
} from './modules/chat';
import { createMaskingSettingsService } from './modules/masking-settings';
import { createVisitorService } from './modules/visitors';
import { createVisitorIdentityService } from './modules/visitor-identity';
import {
  createRetentionJob,
  createRetentionService,
  registerRetentionRoutes,
} from './modules/retention';
import { createPaymentService, createVaultClient, type PaymentService } from './modules/payments';
import { createFiles, fileStorageFor, type FileService } from './files-wiring';
import { createDesk } from './desk-wiring';
import { createFeedback } from './feedback-wiring';
import { createRouting } from './routing-wiring';
import type { RoutingService } from './modules/routing';
import { createBlockService, registerBlockRoutes, type BlockService } from './modules/blocks';
import { createReportService, registerReportRoutes } from './modules/reports';
import { createHistoryService, registerHistoryRoutes } from './modules/search';
import {
  startTracing,
  traceBus,
  traceCommitter,
  traceMasker,
  traceSend,
} from './telemetry/tracing';
import { createApiTokenService, tokenScopeFor } from './modules/api-tokens';
import {
  createChatEventHub,
  createWebhookDelivery,
  createWebhookService,
} from './modules/webhooks';

import { VERSION } from './version';

export { VERSION };

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  bus: Bus;
  chat: ChatService;
  payments: PaymentService;
  mail: MailService;
  unlockLinks: UnlockLinks;
  files: FileService;
  /** Presence, teams, routing and transfer (docs/routing.md). */
  routing: RoutingService;
  app: FastifyInstance;
  gateway: Gateway;
  log: Logger;
  /** Failures contained so far (lib/fault-counters.ts), for a metrics exporter. */
  faults(): Record<FaultCounter, number>;
  /** Prometheus metrics of this node (served at /metrics). */
  metrics: Metrics;
  /** Visitor blocks (issue 11 item 4). */
  blocks: BlockService;
  /** Aggregated visitor-side security signals (issue 11 item 5). */
  signals: Signals;
  /** The plain-HTTP port that redirects to HTTPS, when PARLEY_HTTP_REDIRECT_PORT is set. */
  redirectPort?: number;
  close(): Promise<void>;
}

export function storeOptionsFor(config: Pick<Config, 'databaseUrl' | 'dataDir'>): StoreOptions {
  if (config.databaseUrl) return { kind: 'postgres', url: config.databaseUrl };
  // 0700 directory, 0600 database (so SQLite's WAL and SHM files are 0600 too), whatever existed before.
  secureDataDir(config.dataDir);
  return { kind: 'sqlite', file: join(config.dataDir, 'parley.db') };
}

/** The vault's literal address, when its URL names one (a name is checked when webhooks resolve). */
function vaultAddresses(vaultUrl: string | undefined): string[] {
  if (!vaultUrl) return [];
  const host = new URL(vaultUrl).hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? [host] : [];
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
  /** First retry delay of the mail queue (tests make it short; default 30 s). */
  mailRetryBaseMs?: number;
  /** SIEM export timings (tests): the confirmation window and the first retry delay. */
  siem?: { confirmMs?: number; retryBaseMs?: number };
  /** First retry delay of a security webhook post (tests; default 1 s). */
  webhookRetryBaseMs?: number;
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
  // Data keys are wrapped by a KEK from outside the database (law 9); bound before any read or write.
  const dataKeks = loadDataKeks(config);
  store.dataKeys.useKeks(dataKeks);
  // Every node holds the same keys, or this one does not start (issue 10; docs/configuration.md "Keys").
  try {
    const k = loadKeyring(config);
    await assertInstallationKeys(store, { data: dataKeks, audit: k.auditKey, secrets: k.sealKey });
  } catch (err) {
    if (!options.store) await store.close();
    throw err;
  }
  // Sockets are counted once the gateway exists (it is made after the HTTP app).
  const live: { gateway?: Gateway } = {};
  const metrics = createMetrics({ sockets: () => live.gateway?.connectionsByKind() ?? {} });
  const rawBus = config.redisUrl
    ? await createRedisBus(config.redisUrl, log, config.redisPrefix)
    : createLocalBus((topic, err) =>
        log.error(
          { topic, ...errorContext(err) },
          'bus: a subscriber failed; the others were served',
        ),
      );
  const tracing = startTracing(config.otelEndpoint);
  const bus = traceBus(instrumentBus(rawBus, metrics), tracing);
  const rawCommitter = createGroupCommitter(store, {
    onCommit: ({ size, durationMs }) => {
      metrics.commitSeconds.observe(durationMs / 1000);
      metrics.commitBatch.observe(size);
    },
    onStall: ({ stalled, waiting }) =>
      stalled
        ? log.error(
            { waiting },
            'store: a commit missed its deadline; sends fail with store_unavailable until it settles',
          )
        : log.info({ waiting }, 'store: answering again; commits resumed'),
  });
  const committer = traceCommitter(instrumentCommitter(rawCommitter, metrics), tracing);
  const maskingSettings = createMaskingSettingsService({ store, bus, log });
  await maskingSettings.start();
  const masker = traceMasker(
    instrumentMasker(
      createMessageMasker({ optionsFor: (orgId) => maskingSettings.optionsFor(orgId) }),
      metrics,
    ),
    tracing,
  );
  const held = createHeldPieces({ store, bus, log });
  await held.start();
  // Committed chat events, fanned out in process (outgoing webhooks, docs/webhooks.md).
  const chatEvents = createChatEventHub(log);
  // Filled once the security events exist (they are made after the chat service).
  const late: { signals?: Signals } = {};
  const chat = traceSend(
    instrumentSend(
      createChatService({
        store,
        bus,
        committer,
        masker,
        held,
        log,
        // Nothing to wait for once the organisation's settings are cached (the hot path's case).
        maskingReady: (orgId) =>
          maskingSettings.optionsFor(orgId) === undefined
            ? maskingSettings.ready(orgId)
            : undefined,
        events: chatEvents,
        onVisitorCard: (orgId, visitorId, cards) => {
          for (let i = 0; i < cards; i++)
            late.signals?.report(orgId, 'card_testing', visitorId, {
              detail: { visitorId },
              threshold: config.signalCardTestingPerMinute,
            });
        },
      }),
      metrics,
    ),
    tracing,
  );
  // Keys outside the database (issue 10 findings 5 and 7): sealed credentials and the keyed audit chain.
  const keyring = loadKeyring(config);
  bindKeyring(store, keyring);
  // SIEM export (docs/operations.md): audit entries and security events to syslog, via the outbox.
  const siem = siemFromConfig(config, store, log, options.siem);
  const sealed = await sealLegacySecrets(store, keyring);
  if (sealed > 0) log.warn({ sealed }, 'stored credentials sealed with the secrets key');
  const anchor = await startAuditAnchor({
    store,
    keyring,
    file: checkpointFileOf(config),
    intervalMs: config.auditCheckpointSeconds * 1000,
    log,
  });
  const webhookPolicy = createWebhookTargetPolicy({
    allowCidrs: config.webhookAllowCidrs,
    // The vault is never a webhook target, whatever range is allowed.
    denyAddresses: vaultAddresses(config.vaultUrl),
  });
  const webhookDelivery = createWebhookDelivery({
    store,
    log,
    policy: webhookPolicy,
    ...(options.webhookRetryBaseMs !== undefined
      ? { retryBaseMs: options.webhookRetryBaseMs }
      : {}),
  });
  const webhooks = createWebhookService({
    store,
    policy: webhookPolicy,
    log,
    kick: () => webhookDelivery.kick(),
  });
  chatEvents.on((e) => webhooks.onEvent(e));
  const events = createSecurityEvents({
    store,
    bus,
    log,
    webhookPolicy,
    ...(options.webhookRetryBaseMs !== undefined
      ? { webhookRetryBaseMs: options.webhookRetryBaseMs }
      : {}),
  });
  const pow = createProofOfWork({
    hmacKey: derivedKey(keyring, 'altcha'),
    difficulty: config.powDifficulty,
  });
  const attempts = createAttempts({ store, events, pow });
  const auth = createAuthService({ store, config, bus, events, attempts });
  const mfa = createMfaService({ store, auth, events, attempts });
  const passkeys = createPasskeyService({
    store,
    auth,
    events,
    attempts,
    requireStepUp: (ctx) => mfa.requireStepUp(ctx),
  });
  let baseUrl = config.publicUrl?.replace(/\/$/, '') ?? '';
  const oidc = createOidcService({
    store,
    auth,
    events,
    baseUrl: () => baseUrl,
    allowHttp: config.oidcAllowHttp,
  });
  const agents = createAgentsService({ store, auth, mfa });
  // E-mail (docs/email.md): a durable queue every node drains; off without PARLEY_SMTP_HOST.
  const mail = createMailService({
    store,
    log,
    transport: config.smtpHost
      ? createSmtpTransport({ ...config, smtpHost: config.smtpHost })
      : undefined,
    from: config.smtpFrom,
    maxAttempts: config.mailMaxAttempts,
    sendDeadlineMs: config.smtpTimeoutMs * 3,
    ...(options.mailRetryBaseMs !== undefined ? { retryBaseMs: options.mailRetryBaseMs } : {}),
  });
  let publicUrl = config.publicUrl?.replace(/\/$/, '') ?? '';
  const account = {
    account: createAccountService({ store, auth }),
    lock: createSessionLock({ store, auth, attempts, checkPassword: verifyPassword }),
    unlockLinks: createUnlockLinks({ store, mail, events, log, publicUrl: () => publicUrl }),
    resets: createAdminResets({ store, auth, mfa }),
  };
  const securitySettings = createSecuritySettingsService({
    store,
    bus,
    webhookPolicy,
    events,
    publishRevoked: (hashes) => auth.publishRevoked(hashes),
  });
  // Visitor-side intrusion signals, aggregated so a flood is a handful of events (issue 11 item 5).
  // With REDIS_URL the counters are shared, so a flood over several nodes is still a handful.
  const signals = config.redisUrl
    ? await createRedisSignals({
        events,
        redisUrl: config.redisUrl,
        log,
        prefix: `${config.redisPrefix}sig:`,
      })
    : createSignals({ events });
  late.signals = signals;
  const visitorIdentity = createVisitorIdentityService({ store, events, signals });
  const blocks = createBlockService({
    store,
    bus,
    log,
    signals,
    maskText: (text, orgId) => chat.maskName(text, orgId),
    conversationOf: (ctx, id) => chat.authorize({ ...ctx.actor, name: ctx.agent.name }, id, 'view'),
  });
  const visitors = createVisitorService(store, {
    tokenDays: config.visitorTokenDays,
    closedTokenHours: config.visitorClosedTokenHours,
    identity: visitorIdentity,
    gate: blocks,
    onSession: (orgId) =>
      signals.report(orgId, 'session_burst', 'sessions', {
        threshold: config.signalSessionBurstPerMinute,
      }),
  });
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
    events: chatEvents,
  });

  // Filled in once the port is known (port 0 in tests).
  const selfOrigins = new Set<string>();
  const ownTls = Boolean(config.tlsCert && config.tlsKey);
  const secureCookies = ownTls || (config.publicUrl?.startsWith('https:') ?? false);
  const apiTokens = createApiTokenService({ store });
  const admission = createAdmission({
    auth,
    store,
    events,
    selfOrigins,
    phishingResistantOk: (ctx) => passkeys.phishingResistantOk(ctx),
    apiTokens: { authenticate: (s, ip) => apiTokens.authenticate(s, ip), scopeFor: tokenScopeFor },
  });
  const authRoutes: AuthRouteOptions = {
    auth,
    mfa,
    events,
    store,
    secureCookies,
    selfOrigins,
    admission,
    pow,
    attempts,
    passkeys,
    oidc,
  };
  const routing = createRouting({ store, bus, chat, log, config, events: chatEvents });
  let ready = false;
  const probes = createDependencyChecks({
    store,
    redisUrl: config.redisUrl,
    vaultUrl: config.vaultUrl,
  });
  const fileStorage = fileStorageFor(config);
  const app = await buildApp({
    tracing,
    fileStorage,
    vault,
    apiTokens,
    webhooks,
    log,
    store,
    chat,
    visitors,
    visitorIdentity,
    payments,
    maskingSettings,
    authRoutes,
    webRoot: config.webRoot,
    trustProxy: config.trustProxy,
    limits: {
      perMinute: config.rateLimitPerMinute,
      visitorPerMinute: config.rateLimitVisitorPerMinute,
      sessionsPerMinute: config.rateLimitSessionsPerMinute,
      conversationsPerMinute: config.rateLimitConversationsPerMinute,
      redisUrl: config.redisUrl,
      redisPrefix: config.redisPrefix,
      httpMaxConnectionsPerAddress: config.httpMaxConnectionsPerAddress,
      httpHeadersTimeoutMs: config.httpHeadersTimeoutMs,
      httpRequestTimeoutMs: config.httpRequestTimeoutMs,
    },
    tls: secureCookies,
    audit: anchor,
    visitorPow: {
      mode: config.visitorPow,
      sessionsPerMinute: config.visitorPowSessionsPerMinute,
      pow,
    },
    // Refusals by address are installation-wide (no organisation is known before a route runs).
    onLimited: (kind, ip) => {
      metrics.rateLimited.inc({ scope: kind });
      signals.report('', 'rate_limit_storm', `${ip}|${kind}`, {
        ip,
        detail: { limit: kind },
        threshold: config.signalRateLimitStormPerMinute,
      });
    },
    agents,
    account,
    securitySettings,
    version: VERSION,
    isReady: () => ready,
    tlsFiles:
      config.tlsCert && config.tlsKey ? { cert: config.tlsCert, key: config.tlsKey } : undefined,
    widgetRouting: routing,
    ops: {
      metrics,
      isReady: () => ready,
      metricsToken: config.metricsToken,
      checks: probes.checks,
    },
  });
  const gateway = createGateway({
    chat,
    auth,
    visitors,
    bus,
    store,
    log,
    selfOrigins,
    sessionCookie: sessionCookieName(secureCookies),
    trustProxy: config.trustProxy,
    events,
    admission,
    rate: { burst: config.wsRateBurst, perSecond: config.wsRatePerSecond },
    onRateLimited: (scope) => metrics.rateLimited.inc({ scope }),
    socketLimits: {
      perAddress: config.wsMaxPerAddress,
      perVisitor: config.wsMaxPerVisitor,
      upgrades: app.parleyLimits.create('ws-upgrade', config.rateLimitPerMinute, 60_000),
    },
    parseCookie: (header) => app.parseCookie(header),
    agentPresence: {
      opened: (orgId, agentId) => routing.presence.socketOpened(orgId, agentId),
      closed: (orgId, agentId) => routing.presence.socketClosed(orgId, agentId),
    },
  });
  live.gateway = gateway;
  const files = await createFiles({
    config,
    storage: fileStorage,
    app,
    store,
    bus,
    chat,
    events,
    log,
    keyring,
    visitors,
    authRoutes,
    metrics,
  });
  createDesk({ app, store, bus, chat, log, authRoutes });
  // Retention (docs/privacy.md): every node schedules it; a lease in the store lets one purge at a time.
  const retention = createRetentionService({ store, log, files });
  registerRetentionRoutes(app, { retention, authRoutes });
  const retentionJob = createRetentionJob({
    retention,
    log,
    everyMs: config.retentionIntervalSeconds * 1000,
  });
  createFeedback({
    app,
    store,
    bus,
    chat,
    mail,
    visitors,
    log,
    authRoutes,
    publicUrl: () => publicUrl,
    visitorTokenDays: config.visitorTokenDays,
    events: chatEvents,
  });
  routing.register(app, authRoutes);
  registerBlockRoutes(app, { authRoutes, blocks, store });
  registerReportRoutes(app, { authRoutes, reports: createReportService({ store }) });
  registerHistoryRoutes(app, { authRoutes, history: createHistoryService({ store }) });
  app.server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));

  await app.listen({ host: config.host, port: config.port });
  const port = (app.server.address() as AddressInfo).port;
  if (config.publicUrl) {
    selfOrigins.add(new URL(config.publicUrl).origin);
  } else {
    const scheme = ownTls ? 'https' : 'http';
    for (const h of ['localhost', '127.0.0.1', '[::1]'])
      selfOrigins.add(`${scheme}://${h}:${port}`);
  }
  const url =
    config.publicUrl?.replace(/\/$/, '') ?? `${ownTls ? 'https' : 'http'}://localhost:${port}`;
  const redirect =
    ownTls && config.httpRedirectPort !== undefined
      ? await startHttpRedirect({
          host: config.host,
          port: config.httpRedirectPort,
          httpsOrigin: new URL(url).origin,
        })
      : undefined;
  publicUrl = url;
  mail.start();
  routing.start();
  siem?.start();
  events.start();
  webhookDelivery.start();
  retentionJob.start();
  baseUrl = url;
  if (
    config.trustProxy === 0 &&
    config.publicUrl &&
    !/^https?:\/\/(localhost|127\.|\[::1\])/.test(config.publicUrl)
  )
    // Behind a reverse proxy every request then comes from the proxy's address: per-address
    // sign-in throttling sees one client (it slows everyone with proof of work; it never locks them out).
    log.warn(
      { trustProxy: 0 },
      'PARLEY_TRUST_PROXY=0: if a reverse proxy forwards to Parley, set PARLEY_TRUST_PROXY to its hop count; otherwise per-address throttling and the IP allowlist see only the proxy (docs/security.md)',
    );
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
      await routing.stop();
      await redirect?.close();
      await app.close();
      await account.unlockLinks.settled();
      await mail.stop();
      await siem?.stop();
      blocks.stop();
      await signals.stop();
      await events.stop();
      await webhookDelivery.stop();
      await retentionJob.stop();
      await files.stop();
      await anchor.stop();
      await committer.close();
      await maskingSettings.stop();
      held.stop();
      await bus.close();
      await probes.close();
      if (!options.store) await store.close();
      await tracing?.shutdown();
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
    mail,
    unlockLinks: account.unlockLinks,
    files,
    routing,
    app,
    gateway,
    log,
    faults: faultSnapshot,
    metrics,
    blocks,
    signals,
    ...(redirect ? { redirectPort: redirect.port } : {}),
    close,
  };
}
