import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import fastifyCookie from '@fastify/cookie';
import type { Logger } from '../logger';
import type { Store } from '../store';
import { registerAccountRoutes, type AccountRouteOptions } from '../modules/account';
import { registerAgentRoutes, type AgentsService } from '../modules/agents';
import { registerAuditRoutes, type AuditAnchor } from '../modules/audit';
import { registerPrivacyRoutes, type VaultEraser } from '../modules/privacy';
import type { FileStorage } from '../modules/files';
import {
  createConsentService,
  presentWidgetConsent,
  registerConsentRoutes,
} from '../modules/consent';
import { registerApiTokenRoutes, type ApiTokenService } from '../modules/api-tokens';
import { registerWebhookRoutes, type WebhookService } from '../modules/webhooks';
import { withRequestFacts } from '../lib/request-context';
import {
  registerAuthRoutes,
  registerOidcRoutes,
  registerPasskeyRoutes,
  agentRouteOf,
  type AuthRouteOptions,
  type Permission,
} from '../modules/auth';
import { registerSecurityRoutes, type SecuritySettingsService } from '../modules/security';
import { agentActor, registerChatRoutes, type ChatService } from '../modules/chat';
import {
  registerMaskingSettingsRoutes,
  type MaskingSettingsService,
} from '../modules/masking-settings';
import { registerOrgRoutes, registerOrgSettingsRoutes, type WidgetRouting } from '../modules/orgs';
import { registerPaymentRoutes, type PaymentService } from '../modules/payments';
import { createVisitorProof, type VisitorPowMode, type VisitorService } from '../modules/visitors';
import type { ProofOfWork } from '../modules/auth';
import {
  registerVisitorIdentityRoutes,
  type VisitorIdentityService,
} from '../modules/visitor-identity';
import { installErrorHandling } from './errors';
import { registerOpsRoutes, type OpsRouteOptions } from './ops';
import { registerOpenApi } from './openapi';
import { createTlsServer, type TlsFiles, type TlsServer } from './tls';
import { installSecurityHeaders, warnAboutUntrustedProxy } from './headers';
import { registerWeb } from './web';
import { installRateLimits, type RateLimits, type RateLimitSettings } from './rate-limit';
import { capConnections, closeSlowHeaders, type ConnectionLimits } from './connection-limits';
import { traceHttp, type Tracing } from '../telemetry/tracing';

export interface ParleyRoute {
  method: string;
  url: string;
  agent?: { permission: Permission | undefined };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route; `agent` when requireAgent guards it, with its route-level permission. */
    parleyRoutes: ParleyRoute[];
    /** Set when Parley serves TLS itself: reload the certificate on demand. */
    parleyTls: TlsServer | undefined;
    /** The abuse limiters (http/rate-limit.ts), shared with the WebSocket gateway. */
    parleyLimits: RateLimits;
  }
}

export interface AppDeps {
  log: Logger;
  store: Store;
  /** The vault's erasure (issue 12): a visitor's payment records there are anonymised too. */
  vault?: VaultEraser | undefined;
  /** Scoped REST API tokens (modules/api-tokens); their admission is wired into authRoutes. */
  apiTokens?: ApiTokenService;
  webhooks?: WebhookService;
  chat: ChatService;
  visitors: VisitorService;
  visitorIdentity: VisitorIdentityService;
  payments: PaymentService;
  maskingSettings: MaskingSettingsService;
  authRoutes: AuthRouteOptions;
  /** File bytes, for erasure (privacy routes, consent withdrawal). */
  fileStorage: FileStorage;
  webRoot: string;
  trustProxy: number;
  /** Served over TLS (PARLEY_PUBLIC_URL is https): HSTS and __Host- cookies. */
  tls: boolean;
  agents: AgentsService;
  /** Account self-service, the idle lock and unlock links (modules/account). */
  account: Omit<AccountRouteOptions, 'authRoutes'>;
  securitySettings: SecuritySettingsService;
  audit: AuditAnchor;
  version: string;
  isReady(): boolean;
  /** /livez, /readyz and /metrics (issue 17 item 2); absent in tests that build a bare app. */
  ops?: OpsRouteOptions;
  /** Abuse limits (issue 11 item 2); absent in tests that build a bare app: generous defaults. */
  limits?: RateLimitSettings & ConnectionLimits;
  /** Called when a client is refused by a limit (security signals). */
  onLimited?: (kind: string, ip: string) => void;
  /** Proof of work on visitor session creation (issue 11 item 3). */
  visitorPow?: { mode: VisitorPowMode; sessionsPerMinute: number; pow: ProofOfWork };
  /** Serve HTTPS and WSS from these PEM files (reloaded when they change). */
  tlsFiles?: TlsFiles | undefined;
  /** What the widget's configuration says of presence and teams (modules/routing). */
  widgetRouting?: WidgetRouting;
  /** OpenTelemetry traces, when an OTLP endpoint is set (telemetry/tracing.ts). */
  tracing?: Tracing | undefined;
}

/** The Fastify instance with its server-level limits: TLS, body, proxy hops, slowloris timeouts. */
function createFastify(deps: AppDeps): FastifyInstance {
  let tlsServer: TlsServer | undefined;
  const tlsFiles = deps.tlsFiles;
  const app = Fastify({
    ...(tlsFiles
      ? {
          serverFactory: (handler: Parameters<typeof createTlsServer>[2]) => {
            tlsServer = createTlsServer(tlsFiles, deps.log, handler);
            return tlsServer.server;
          },
        }
      : {}),
    // pino's Logger and Fastify's base logger differ only in generics.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
    // Believe X-Forwarded-For only from the configured number of proxy hops.
    trustProxy: (_address: string, hop: number) => hop < deps.trustProxy,
    requestIdHeader: false,
    // Slowloris: a client must send its headers, and its whole request, in time.
    requestTimeout: deps.limits?.httpRequestTimeoutMs ?? 30_000,
  });
  app.server.headersTimeout = deps.limits?.httpHeadersTimeoutMs ?? 10_000;
  if (deps.limits) closeSlowHeaders(app.server, deps.limits);
  if (deps.limits && deps.trustProxy === 0) capConnections(app.server, deps.limits, deps.log);
  app.decorate('parleyTls', tlsServer);
  app.addHook('onClose', async () => tlsServer?.stop());
  traceHttp(app, deps.tracing);
  return app;
}

/** The HTTP side: REST API, health, and the built web apps. Handlers stay thin; modules do the work. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = createFastify(deps);
  // First of all hooks: the rest of the request runs inside its own fact object (lib/request-context.ts).
  app.addHook('onRequest', (_request, _reply, done) => withRequestFacts(done));
  installErrorHandling(app);
  installSecurityHeaders(app, { tls: deps.tls, selfOrigins: deps.authRoutes.selfOrigins });
  warnAboutUntrustedProxy(app, deps.trustProxy);
  // Every route, for the route-by-route security tests (docs/security.md).
  const routes: ParleyRoute[] = [];
  app.decorate('parleyRoutes', routes);
  app.addHook('onRoute', (r) => {
    const agent = [r.preHandler ?? []].flat().map(agentRouteOf).find(Boolean);
    for (const method of [r.method].flat())
      routes.push({ method, url: r.url, ...(agent ? { agent } : {}) });
  });
  await app.register(fastifyCookie);
  // Before any route: the limiter attaches itself to every route as it is added.
  const limits = await installRateLimits(
    app,
    deps.limits ?? {
      perMinute: 100_000,
      visitorPerMinute: 100_000,
      sessionsPerMinute: 100_000,
      conversationsPerMinute: 100_000,
    },
    deps.log,
    deps.onLimited,
  );
  app.decorate('parleyLimits', limits);
  app.addHook('onClose', async () => limits.close());

  app.get('/healthz', async (_req, reply) => {
    if (!deps.isReady())
      return reply.status(503).send({ status: 'starting', version: deps.version });
    return { status: 'ok', version: deps.version };
  });

  if (deps.ops) registerOpsRoutes(app, deps.ops);
  registerOpenApi(app, deps.version);
  registerAuthRoutes(app, deps.authRoutes);
  registerPasskeyRoutes(app, deps.authRoutes);
  registerOidcRoutes(app, deps.authRoutes);
  registerAgentRoutes(app, { authRoutes: deps.authRoutes, agents: deps.agents });
  registerAccountRoutes(app, { authRoutes: deps.authRoutes, ...deps.account });
  registerSecurityRoutes(app, { authRoutes: deps.authRoutes, settings: deps.securitySettings });
  registerAuditRoutes(app, { authRoutes: deps.authRoutes, anchor: deps.audit });
  // Erasure (admin routes, consent withdrawal) reaches the file bytes and the vault.
  const erasure = { fileStorage: deps.fileStorage, vault: deps.vault };
  registerPrivacyRoutes(app, { authRoutes: deps.authRoutes, ...erasure });
  if (deps.apiTokens)
    registerApiTokenRoutes(app, {
      authRoutes: deps.authRoutes,
      apiTokens: deps.apiTokens,
      store: deps.store,
    });
  if (deps.webhooks)
    registerWebhookRoutes(app, { authRoutes: deps.authRoutes, webhooks: deps.webhooks });
  const consent = createConsentService({ store: deps.store, chat: deps.chat, ...erasure });
  registerOrgRoutes(app, {
    store: deps.store,
    selfOrigins: deps.authRoutes.selfOrigins,
    consentOf: async (orgId) => presentWidgetConsent(await consent.current(orgId)),
    ...(deps.widgetRouting ? { routing: deps.widgetRouting } : {}),
    proofOfWork: deps.visitorPow?.mode ?? 'off',
  });
  registerOrgSettingsRoutes(app, { store: deps.store, authRoutes: deps.authRoutes });
  registerMaskingSettingsRoutes(app, {
    store: deps.store,
    settings: deps.maskingSettings,
    authRoutes: deps.authRoutes,
  });
  registerConsentRoutes(app, {
    consent,
    chat: deps.chat,
    visitors: deps.visitors,
    authRoutes: deps.authRoutes,
  });
  const vp = deps.visitorPow;
  registerChatRoutes(app, {
    consent,
    limits,
    ...(vp
      ? {
          proof: createVisitorProof({
            pow: vp.pow,
            store: deps.store,
            mode: vp.mode,
            load: limits.create('pow-sessions', vp.sessionsPerMinute, 60_000),
          }),
          challenge: () => vp.pow.create('visitor_session'),
        }
      : {}),
    chat: deps.chat,
    visitors: deps.visitors,
    authRoutes: deps.authRoutes,
    store: deps.store,
  });
  registerVisitorIdentityRoutes(app, {
    identity: deps.visitorIdentity,
    authRoutes: deps.authRoutes,
    visitorOfConversation: async (request, id) =>
      (await deps.chat.authorize(agentActor(request as FastifyRequest), id, 'view')).visitorId,
  });
  registerPaymentRoutes(app, {
    payments: deps.payments,
    visitors: deps.visitors,
    authRoutes: deps.authRoutes,
  });
  await registerWeb(app, {
    webRoot: deps.webRoot,
    store: deps.store,
    selfOrigins: deps.authRoutes.selfOrigins,
  });
  return app;
}
