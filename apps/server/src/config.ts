import { resolve } from 'node:path';
import { z } from 'zod';
import { LIMITS } from '@parley/protocol';

/**
 * The server's one configuration schema. Values come from the environment and,
 * for a few, from command-line flags; `loadConfig` validates everything at boot
 * and reports every problem at once (CONVENTIONS.md "Config is validated at boot").
 */
const PortSchema = z.coerce.number().int().min(0).max(65535);
const UrlSchema = z.string().url();

export const ConfigSchema = z.object({
  dataDir: z
    .string()
    .min(1)
    .transform((d) => resolve(d)),
  host: z.string().min(1),
  port: PortSchema,
  /** The origin browsers use to reach the server (console, frame). Defaults to http://localhost:<port>. */
  publicUrl: UrlSchema.optional(),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  /** Prefix of every Redis key and channel of this installation (bus, rate limits, signals). */
  redisPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - only, at most 64')
    .default('parley:'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** Hops of reverse proxies whose X-Forwarded-For is believed (0 = none). */
  trustProxy: z.coerce.number().int().min(0).max(10),
  /** Idle timeout (PCI DSS 8.2.8: at most 15 minutes); after it the session locks (docs/security.md). */
  sessionIdleMinutes: z.coerce.number().int().min(1).max(15),
  sessionAbsoluteHours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30),
  visitorTokenDays: z.coerce.number().int().min(1).max(365),
  /** Per-socket token bucket: burst and refill per second (LIMITS has the defaults). */
  wsRateBurst: z.coerce.number().int().min(1).max(100_000),
  wsRatePerSecond: z.coerce.number().min(0.1).max(100_000),
  /** Where built web assets live (console, widget); tests point it elsewhere rarely. */
  webRoot: z
    .string()
    .min(1)
    .transform((d) => resolve(d)),
  /** The payment vault as the server reaches it; payments answer payment_unavailable without it. */
  vaultUrl: UrlSchema.optional(),
  /** Signs server → vault calls (the vault's VAULT_SIGNING_SECRET_IN). */
  vaultSecretOut: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Verifies vault → server events (the vault's VAULT_SIGNING_SECRET_OUT). */
  vaultSecretIn: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Seals stored credentials (AES-256-GCM); default: secrets.key in the data directory. Same on every node. */
  secretsKey: z.string().min(43, 'must be 32 bytes (64 hex or 43 base64url characters)').optional(),
  /** Keys the audit chain (HMAC); default: audit.key in the data directory. Same on every node. */
  auditKey: z.string().min(43, 'must be 32 bytes (64 hex or 43 base64url characters)').optional(),
  /** Wraps the data keys of conversations and visitors (law 9); default: data.key in the data directory. Same on every node. */
  dataKey: z.string().min(43, 'must be 32 bytes (64 hex or 43 base64url characters)').optional(),
  /** Earlier data-key KEKs, comma-separated: still unwrap until `parley keys rotate` has rewrapped every data key. */
  dataKeyPrevious: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k.length > 0),
    )
    .optional(),
  /** Where signed audit checkpoints go; default: audit-checkpoints.jsonl in the data directory. */
  auditCheckpointFile: z.string().min(1).optional(),
  auditCheckpointSeconds: z.coerce.number().int().min(1).max(86_400),
  /** How often every node tries the retention purge (docs/privacy.md); the lease lets one work. */
  retentionIntervalSeconds: z.coerce.number().int().min(1).max(86_400),
  /** CIDR ranges webhooks may reach although internal (e.g. "10.1.2.0/24"); comma-separated. */
  webhookAllowCidrs: z.string().transform((s) =>
    s
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r.length > 0),
  ),
  /** Proof-of-work difficulty of the sign-in challenge, in leading hex zeros (4 ≈ 65 000 hashes). */
  powDifficulty: z.coerce.number().int().min(1).max(8),
  /** Visitor tokens stop working this long after their conversation closed. */
  visitorClosedTokenHours: z.coerce
    .number()
    .min(0)
    .max(24 * 365),
  /** PEM certificate chain and key files: Parley serves HTTPS and WSS itself (reloaded when they change). */
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  /** With TLS: a plain-HTTP port that only redirects to HTTPS (e.g. 80). */
  httpRedirectPort: PortSchema.optional(),
  /** NODE_ENV=production: refuse plain HTTP unless behind a TLS-terminating proxy. */
  production: z
    .string()
    .optional()
    .transform((v) => v === 'production'),
  /** Bearer token that lets a scraper outside loopback read /metrics (unset: loopback only). */
  metricsToken: z.string().min(16, 'must be at least 16 characters').optional(),
  /** OTLP/HTTP base URL for traces (…/v1/traces is appended); unset: no tracing at all. */
  otelEndpoint: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL')
    .optional(),
  /** Outgoing e-mail (docs/email.md); without a host no e-mail is sent and e-mailed unlock links are off. */
  smtpHost: z.string().min(1).optional(),
  smtpPort: PortSchema,
  /** 'starttls': STARTTLS required; 'tls': TLS from the start (465); 'none': loopback relays only. */
  smtpSecurity: z.enum(['starttls', 'tls', 'none']),
  smtpUser: z.string().min(1).optional(),
  smtpPassword: z.string().min(1).optional(),
  /** The From address, e.g. "Parley <parley@example.com>"; required with a host. */
  smtpFrom: z.string().min(3).optional(),
  /** Deadline of each SMTP step (connect, greeting, each command). */
  smtpTimeoutMs: z.coerce.number().int().min(100).max(300_000),
  /** Attempts per e-mail before it is recorded as failed (back-off from 30 s, at most 1 h apart). */
  mailMaxAttempts: z.coerce.number().int().min(1).max(50),
  // ---- files in the chat (docs/files.md) ----
  /** clamd's LocalSocket; or filesClamdHost + filesClamdPort for its TCPSocket. Without either, uploads are refused. */
  filesClamdSocket: z.string().min(1).optional(),
  filesClamdHost: z.string().min(1).optional(),
  filesClamdPort: PortSchema.optional(),
  filesScanTimeoutMs: z.coerce.number().int().min(100).max(600_000),
  /** OCR of images for card numbers (tesseract); "off" delivers images unread. */
  filesOcr: z.enum(['on', 'off']),
  filesMaxBytes: z.coerce
    .number()
    .int()
    .min(1)
    .max(1024 * 1024 * 1024),
  filesPerUploaderPerHour: z.coerce.number().int().min(1).max(1_000_000),
  filesOrgBytesPerDay: z.coerce.number().int().min(1),
  filesWorkers: z.coerce.number().int().min(1).max(64),
  filesQueueMax: z.coerce.number().int().min(1).max(100_000),
  filesLinkSeconds: z.coerce.number().int().min(10).max(3600),
  filesRetrySeconds: z.coerce.number().min(0.05).max(3600),
  /** An S3-compatible bucket instead of the data directory (credentials: the AWS SDK's default chain). */
  filesS3Bucket: z.string().min(1).optional(),
  filesS3Endpoint: UrlSchema.optional(),
  filesS3Region: z.string().min(1),
  /** Allow OpenID providers on plain http:// (tests, closed lab networks); never in production. */
  oidcAllowHttp: z.enum(['0', '1']).transform((v) => v === '1'),
  // ---- SIEM export (docs/operations.md "SIEM export") ----
  /** A syslog receiver: tcp:// or tls:// (RFC 5424, octet-counted), relp:// or relp+tls:// (acknowledged). */
  syslogUrl: z
    .string()
    .regex(
      /^(tcp|tls|relp|relp\+tls):\/\/[^/\s:]+:\d{1,5}$/,
      'must be tcp://, tls://, relp:// or relp+tls:// with host:port',
    )
    .optional(),
  /** The message part: the entry as JSON, or ArcSight CEF. */
  syslogFormat: z.enum(['json', 'cef']),
  /** PEM file of the CA that signed the receiver's certificate (tls://); default: the system's CAs. */
  syslogCaFile: z.string().min(1).optional(),
  // ---- abuse limits (issue 11 item 2, docs/security.md "Rate limits") ----
  /** HTTP requests per source address per minute, every route. */
  rateLimitPerMinute: z.coerce.number().int().min(1).max(1_000_000),
  /** HTTP requests per visitor token per minute (visitor routes). */
  rateLimitVisitorPerMinute: z.coerce.number().int().min(1).max(1_000_000),
  /** New visitor sessions per source address per minute. */
  rateLimitSessionsPerMinute: z.coerce.number().int().min(1).max(1_000_000),
  /** New conversations per source address per minute. */
  rateLimitConversationsPerMinute: z.coerce.number().int().min(1).max(1_000_000),
  /** Open WebSockets per source address, and per visitor. */
  wsMaxPerAddress: z.coerce.number().int().min(1).max(1_000_000),
  wsMaxPerVisitor: z.coerce.number().int().min(1).max(1000),
  /** Open TCP connections per address (0: no cap; the cap is skipped behind a trusted proxy). */
  httpMaxConnectionsPerAddress: z.coerce.number().int().min(0).max(1_000_000),
  /** Time to receive a request's headers, and the whole request (slowloris). */
  httpHeadersTimeoutMs: z.coerce.number().int().min(1000).max(600_000),
  httpRequestTimeoutMs: z.coerce.number().int().min(1000).max(3_600_000),
  /** Presence and routing (docs/routing.md): idle time before "away", sweep period, transfer answer time. */
  awayAfterSeconds: z.coerce.number().int().min(1).max(86_400),
  routingSweepMs: z.coerce.number().int().min(100).max(600_000),
  transferTimeoutSeconds: z.coerce.number().int().min(5).max(86_400),
  // ---- intrusion signals and proof of work (issue 11 items 3, 5; docs/security.md) ----
  /** Rate-limit refusals per address per minute that make a `rate_limit_storm` event. */
  signalRateLimitStormPerMinute: z.coerce.number().int().min(1).max(1_000_000),
  /** New visitor sessions per organisation per minute that make a `session_burst` event. */
  signalSessionBurstPerMinute: z.coerce.number().int().min(1).max(1_000_000),
  /** Hidden card numbers per visitor per minute that make a `card_testing` event. */
  signalCardTestingPerMinute: z.coerce.number().int().min(1).max(10_000),
  /** Proof of work on visitor session creation: off, always, or auto above the threshold. */
  visitorPow: z.enum(['off', 'always', 'auto']),
  /** New visitor sessions per organisation per minute above which `auto` asks for proof of work. */
  visitorPowSessionsPerMinute: z.coerce.number().int().min(1).max(1_000_000),
});
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const ENV_NAMES: Record<keyof Config, string> = {
  dataDir: 'PARLEY_DATA_DIR',
  host: 'PARLEY_HOST',
  port: 'PARLEY_PORT',
  publicUrl: 'PARLEY_PUBLIC_URL',
  databaseUrl: 'DATABASE_URL',
  redisUrl: 'REDIS_URL',
  redisPrefix: 'PARLEY_REDIS_PREFIX',
  logLevel: 'PARLEY_LOG_LEVEL',
  trustProxy: 'PARLEY_TRUST_PROXY',
  sessionIdleMinutes: 'PARLEY_SESSION_IDLE_MINUTES',
  sessionAbsoluteHours: 'PARLEY_SESSION_ABSOLUTE_HOURS',
  visitorTokenDays: 'PARLEY_VISITOR_TOKEN_DAYS',
  wsRateBurst: 'PARLEY_WS_RATE_BURST',
  wsRatePerSecond: 'PARLEY_WS_RATE_PER_SECOND',
  webRoot: 'PARLEY_WEB_ROOT',
  vaultUrl: 'PARLEY_VAULT_URL',
  vaultSecretOut: 'PARLEY_VAULT_SECRET_OUT',
  vaultSecretIn: 'PARLEY_VAULT_SECRET_IN',
  secretsKey: 'PARLEY_SECRETS_KEY',
  auditKey: 'PARLEY_AUDIT_KEY',
  dataKey: 'PARLEY_DATA_KEY',
  dataKeyPrevious: 'PARLEY_DATA_KEY_PREVIOUS',
  auditCheckpointFile: 'PARLEY_AUDIT_CHECKPOINT_FILE',
  auditCheckpointSeconds: 'PARLEY_AUDIT_CHECKPOINT_SECONDS',
  retentionIntervalSeconds: 'PARLEY_RETENTION_INTERVAL_SECONDS',
  webhookAllowCidrs: 'PARLEY_WEBHOOK_ALLOW_CIDRS',
  powDifficulty: 'PARLEY_POW_DIFFICULTY',
  visitorClosedTokenHours: 'PARLEY_VISITOR_CLOSED_TOKEN_HOURS',
  metricsToken: 'PARLEY_METRICS_TOKEN',
  otelEndpoint: 'PARLEY_OTEL_EXPORTER_OTLP_ENDPOINT',
  tlsCert: 'PARLEY_TLS_CERT',
  tlsKey: 'PARLEY_TLS_KEY',
  httpRedirectPort: 'PARLEY_HTTP_REDIRECT_PORT',
  production: 'NODE_ENV',
  smtpHost: 'PARLEY_SMTP_HOST',
  smtpPort: 'PARLEY_SMTP_PORT',
  smtpSecurity: 'PARLEY_SMTP_SECURITY',
  smtpUser: 'PARLEY_SMTP_USER',
  smtpPassword: 'PARLEY_SMTP_PASSWORD',
  smtpFrom: 'PARLEY_SMTP_FROM',
  smtpTimeoutMs: 'PARLEY_SMTP_TIMEOUT_MS',
  mailMaxAttempts: 'PARLEY_MAIL_MAX_ATTEMPTS',
  filesClamdSocket: 'PARLEY_CLAMD_SOCKET',
  filesClamdHost: 'PARLEY_CLAMD_HOST',
  filesClamdPort: 'PARLEY_CLAMD_PORT',
  filesScanTimeoutMs: 'PARLEY_FILES_SCAN_TIMEOUT_MS',
  filesOcr: 'PARLEY_FILES_OCR',
  filesMaxBytes: 'PARLEY_FILES_MAX_BYTES',
  filesPerUploaderPerHour: 'PARLEY_FILES_PER_UPLOADER_PER_HOUR',
  filesOrgBytesPerDay: 'PARLEY_FILES_ORG_BYTES_PER_DAY',
  filesWorkers: 'PARLEY_FILES_WORKERS',
  filesQueueMax: 'PARLEY_FILES_QUEUE_MAX',
  filesLinkSeconds: 'PARLEY_FILES_LINK_SECONDS',
  filesRetrySeconds: 'PARLEY_FILES_RETRY_SECONDS',
  filesS3Bucket: 'PARLEY_FILES_S3_BUCKET',
  filesS3Endpoint: 'PARLEY_FILES_S3_ENDPOINT',
  filesS3Region: 'PARLEY_FILES_S3_REGION',
  oidcAllowHttp: 'PARLEY_OIDC_ALLOW_HTTP',
  syslogUrl: 'PARLEY_SYSLOG_URL',
  syslogFormat: 'PARLEY_SYSLOG_FORMAT',
  syslogCaFile: 'PARLEY_SYSLOG_CA_FILE',
  rateLimitPerMinute: 'PARLEY_RATE_LIMIT_PER_MINUTE',
  rateLimitVisitorPerMinute: 'PARLEY_RATE_LIMIT_VISITOR_PER_MINUTE',
  rateLimitSessionsPerMinute: 'PARLEY_RATE_LIMIT_SESSIONS_PER_MINUTE',
  rateLimitConversationsPerMinute: 'PARLEY_RATE_LIMIT_CONVERSATIONS_PER_MINUTE',
  wsMaxPerAddress: 'PARLEY_WS_MAX_PER_ADDRESS',
  wsMaxPerVisitor: 'PARLEY_WS_MAX_PER_VISITOR',
  httpMaxConnectionsPerAddress: 'PARLEY_HTTP_MAX_CONNECTIONS_PER_ADDRESS',
  httpHeadersTimeoutMs: 'PARLEY_HTTP_HEADERS_TIMEOUT_MS',
  httpRequestTimeoutMs: 'PARLEY_HTTP_REQUEST_TIMEOUT_MS',
  awayAfterSeconds: 'PARLEY_AWAY_AFTER_SECONDS',
  routingSweepMs: 'PARLEY_ROUTING_SWEEP_MS',
  transferTimeoutSeconds: 'PARLEY_TRANSFER_TIMEOUT_SECONDS',
  signalRateLimitStormPerMinute: 'PARLEY_SIGNAL_RATE_LIMIT_STORM_PER_MINUTE',
  signalSessionBurstPerMinute: 'PARLEY_SIGNAL_SESSION_BURST_PER_MINUTE',
  signalCardTestingPerMinute: 'PARLEY_SIGNAL_CARD_TESTING_PER_MINUTE',
  visitorPow: 'PARLEY_VISITOR_POW',
  visitorPowSessionsPerMinute: 'PARLEY_VISITOR_POW_SESSIONS_PER_MINUTE',
};

const DEFAULTS = {
  dataDir: './data',
  host: '127.0.0.1',
  port: '8080',
  logLevel: 'info',
  trustProxy: '0',
  sessionIdleMinutes: '15',
  sessionAbsoluteHours: '12',
  visitorTokenDays: '30',
  wsRateBurst: String(LIMITS.rateBurst),
  wsRatePerSecond: String(LIMITS.ratePerSecond),
  auditCheckpointSeconds: '300',
  retentionIntervalSeconds: '900',
  webhookAllowCidrs: '',
  powDifficulty: '4',
  visitorClosedTokenHours: '24',
  smtpPort: '587',
  smtpSecurity: 'starttls',
  smtpTimeoutMs: '10000',
  mailMaxAttempts: '8',
  filesScanTimeoutMs: '30000',
  filesOcr: 'on',
  filesMaxBytes: String(10 * 1024 * 1024),
  filesPerUploaderPerHour: '60',
  filesOrgBytesPerDay: String(5 * 1024 * 1024 * 1024),
  filesWorkers: '2',
  filesQueueMax: '100',
  filesLinkSeconds: '300',
  filesRetrySeconds: '5',
  filesS3Region: 'us-east-1',
  oidcAllowHttp: '0',
  syslogFormat: 'json',
  rateLimitPerMinute: '600',
  rateLimitVisitorPerMinute: '240',
  rateLimitSessionsPerMinute: '20',
  rateLimitConversationsPerMinute: '20',
  wsMaxPerAddress: '50',
  wsMaxPerVisitor: '10',
  httpMaxConnectionsPerAddress: '200',
  httpHeadersTimeoutMs: '10000',
  httpRequestTimeoutMs: '30000',
  awayAfterSeconds: '600',
  routingSweepMs: '5000',
  transferTimeoutSeconds: '120',
  signalRateLimitStormPerMinute: '30',
  signalSessionBurstPerMinute: '100',
  signalCardTestingPerMinute: '5',
  visitorPow: 'auto',
  visitorPowSessionsPerMinute: '30',
  // dist/web, built by `npm run build`: beside the compiled code in dist/, or
  // the repository's dist/web when running from source.
  webRoot: (import.meta as ImportMeta & { parleyDist?: boolean }).parleyDist
    ? resolve(import.meta.dirname, 'web')
    : resolve(import.meta.dirname, '../../../dist/web'),
} satisfies Partial<Record<keyof Config, string>>;

/** Builds the config from environment variables and flag overrides; throws ConfigError listing every problem. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Record<keyof Config, string | number | undefined>> = {},
): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ENV_NAMES) as (keyof Config)[]) {
    // The OpenTelemetry SDKs' own variable is honoured too (Parley's wins).
    const fromEnv =
      env[ENV_NAMES[key]] ?? (key === 'otelEndpoint' ? env.OTEL_EXPORTER_OTLP_ENDPOINT : undefined);
    const value =
      overrides[key] ??
      (fromEnv === '' ? undefined : fromEnv) ??
      (DEFAULTS as Record<string, string>)[key];
    if (value !== undefined) raw[key] = value;
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = String(i.path[0] ?? '');
        const name = key in ENV_NAMES ? ENV_NAMES[key as keyof Config] : key;
        return `${name}: ${i.message}`;
      }),
    );
  }
  const c = parsed.data;
  const problems: string[] = [];
  if (Boolean(c.tlsCert) !== Boolean(c.tlsKey))
    problems.push('PARLEY_TLS_CERT and PARLEY_TLS_KEY: set both or neither');
  if (c.httpRedirectPort !== undefined && !c.tlsCert)
    problems.push('PARLEY_HTTP_REDIRECT_PORT: needs PARLEY_TLS_CERT and PARLEY_TLS_KEY');
  if (c.production && !c.tlsCert && c.trustProxy === 0)
    problems.push(
      'NODE_ENV=production: serve HTTPS (PARLEY_TLS_CERT and PARLEY_TLS_KEY) or run behind a TLS-terminating proxy (PARLEY_TRUST_PROXY ≥ 1); plain HTTP is refused (docs/deployment.md)',
    );
  if (c.production && c.publicUrl?.startsWith('http:'))
    problems.push('PARLEY_PUBLIC_URL: must be https:// in production');
  problems.push(...smtpProblems(c));
  if (problems.length > 0) throw new ConfigError(problems);
  return c;
}

/** SMTP settings that only make sense together (docs/email.md). */
function smtpProblems(c: Config): string[] {
  const problems: string[] = [];
  if (c.smtpHost && !c.smtpFrom)
    problems.push(`${ENV_NAMES.smtpFrom}: required when ${ENV_NAMES.smtpHost} is set`);
  if (!!c.smtpUser !== !!c.smtpPassword)
    problems.push(
      `${ENV_NAMES.smtpPassword}: ${ENV_NAMES.smtpUser} and ${ENV_NAMES.smtpPassword} go together`,
    );
  return problems;
}
