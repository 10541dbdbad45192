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
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** Hops of reverse proxies whose X-Forwarded-For is believed (0 = none). */
  trustProxy: z.coerce.number().int().min(0).max(10),
  sessionIdleMinutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60),
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
  /** Where signed audit checkpoints go; default: audit-checkpoints.jsonl in the data directory. */
  auditCheckpointFile: z.string().min(1).optional(),
  auditCheckpointSeconds: z.coerce.number().int().min(1).max(86_400),
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
  /** Allow OpenID providers on plain http:// (tests, closed lab networks); never in production. */
  oidcAllowHttp: z.enum(['0', '1']).transform((v) => v === '1'),
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
  auditCheckpointFile: 'PARLEY_AUDIT_CHECKPOINT_FILE',
  auditCheckpointSeconds: 'PARLEY_AUDIT_CHECKPOINT_SECONDS',
  webhookAllowCidrs: 'PARLEY_WEBHOOK_ALLOW_CIDRS',
  powDifficulty: 'PARLEY_POW_DIFFICULTY',
  visitorClosedTokenHours: 'PARLEY_VISITOR_CLOSED_TOKEN_HOURS',
  oidcAllowHttp: 'PARLEY_OIDC_ALLOW_HTTP',
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
  webhookAllowCidrs: '',
  powDifficulty: '4',
  visitorClosedTokenHours: '24',
  oidcAllowHttp: '0',
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
    const fromEnv = env[ENV_NAMES[key]];
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
  return parsed.data;
}
