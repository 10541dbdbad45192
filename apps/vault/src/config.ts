/**
 * The vault's configuration: one schema over the environment, validated at
 * boot; every problem is listed at once (CONVENTIONS "Config is validated at
 * boot"). The only secret with a default is the embedded first-run
 * encryption key, written into the data directory with mode 0600.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ensurePrivateDir } from './lib/files';

const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const url = z.url({ protocol: /^https?$/ });
const bool = z.preprocess(
  (v) => (v === undefined || v === '' ? 'false' : v),
  z
    .enum(['true', 'false', '1', '0', 'on', 'off'])
    .transform((v) => v === 'true' || v === '1' || v === 'on'),
);
const secret = z.string().min(32, 'must be at least 32 characters');

export const VaultEnvSchema = z
  .object({
    VAULT_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
    VAULT_HOST: z.string().min(1).default('127.0.0.1'),
    VAULT_PUBLIC_URL: z.preprocess((v) => (v === '' ? undefined : v), url.optional()),
    VAULT_DATA_DIR: z.string().min(1).default('./data/vault'),
    VAULT_DATABASE_URL: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    ),
    VAULT_SERVER_URL: url,
    VAULT_SERVER_PUBLIC_URL: z.preprocess((v) => (v === '' ? undefined : v), url.optional()),
    VAULT_SIGNING_SECRET_IN: secret,
    VAULT_SIGNING_SECRET_OUT: secret,
    VAULT_ENCRYPTION_KEY: optionalString.refine(
      (v) => v === undefined || Buffer.from(v, 'base64').length === 32,
      'must be 32 bytes, base64-encoded',
    ),
    /** A file holding the key (base64), kept apart from the database; generated 0600 if missing. */
    VAULT_KEY_FILE: optionalString,
    VAULT_GATEWAY: z.enum(['test', 'stripe', 'braintree']).default('test'),
    /** Days after its last change that a finished payment record is anonymised; unset: kept whole. */
    VAULT_PAYMENT_RETENTION_DAYS: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.coerce.number().int().min(1).max(36500).optional(),
    ),
    STRIPE_SECRET_KEY: optionalString,
    STRIPE_WEBHOOK_SECRET: optionalString,
    STRIPE_API_BASE: z.preprocess((v) => (v === '' ? undefined : v), url.optional()),
    /** The publishable key the pay page gives Stripe.js (pk_live_… / pk_test_…). */
    STRIPE_PUBLISHABLE_KEY: optionalString,
    /** Stripe.js; only tests point it elsewhere (a local fake of the SDK). */
    STRIPE_JS_URL: z.preprocess(
      (v) => (v === '' ? undefined : v),
      url.default('https://js.stripe.com/v3/'),
    ),
    /**
     * The old raw-card path: the vault sends card numbers to Stripe's API. Needs
     * Stripe's raw card data APIs, i.e. a PCI DSS SAQ D for the whole deployment.
     */
    PARLEY_STRIPE_RAW_CARD_SAQ_D: bool,
    /** Braintree (Hosted Fields, SAQ A): the API key pair of the merchant, from the Control Panel. */
    VAULT_BRAINTREE_ENVIRONMENT: z.enum(['sandbox', 'production']).default('sandbox'),
    VAULT_BRAINTREE_MERCHANT_ID: optionalString,
    VAULT_BRAINTREE_PUBLIC_KEY: optionalString,
    VAULT_BRAINTREE_PRIVATE_KEY: optionalString,
    /** `EUR=acct_eur,GBP=acct_gbp`: one merchant account per currency; unset, the default account. */
    VAULT_BRAINTREE_MERCHANT_ACCOUNTS: z.preprocess(
      (v) => (typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : []),
      z.array(
        z
          .string()
          .regex(/^[A-Z]{3}=[A-Za-z0-9_-]+$/, 'each entry must look like EUR=merchant_account_id'),
      ),
    ),
    VAULT_BRAINTREE_THREE_D_SECURE: z.preprocess(
      (v) => (v === undefined || v === '' ? 'true' : v),
      z
        .enum(['true', 'false', '1', '0', 'on', 'off'])
        .transform((v) => v === 'true' || v === '1' || v === 'on'),
    ),
    /** braintree-web's client script; only tests point it elsewhere (a local fake of the SDK). */
    VAULT_BRAINTREE_JS_URL: z.preprocess(
      (v) => (v === '' ? undefined : v),
      url.default('https://js.braintreegateway.com/web/3.144.0/js/client.min.js'),
    ),
    /** Tests only: a local fake of Braintree's gateway API instead of Braintree's own hosts. */
    VAULT_BRAINTREE_API_URL: z.preprocess((v) => (v === '' ? undefined : v), url.optional()),
    VAULT_CARD_ON_FILE: bool,
    VAULT_ALLOWED_FRAME_ANCESTORS: z.preprocess(
      (v) => (typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : []),
      z.array(z.url({ protocol: /^https?$/ })),
    ),
    VAULT_LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.VAULT_SIGNING_SECRET_IN === env.VAULT_SIGNING_SECRET_OUT) {
      ctx.addIssue({
        code: 'custom',
        path: ['VAULT_SIGNING_SECRET_OUT'],
        message: 'must differ from VAULT_SIGNING_SECRET_IN (one secret per direction)',
      });
    }
    if (env.VAULT_GATEWAY === 'stripe') {
      if (!env.STRIPE_SECRET_KEY)
        ctx.addIssue({
          code: 'custom',
          path: ['STRIPE_SECRET_KEY'],
          message: 'is required when VAULT_GATEWAY=stripe',
        });
      if (!env.PARLEY_STRIPE_RAW_CARD_SAQ_D && !env.STRIPE_PUBLISHABLE_KEY)
        ctx.addIssue({
          code: 'custom',
          path: ['STRIPE_PUBLISHABLE_KEY'],
          message: 'is required when VAULT_GATEWAY=stripe (the pay page mounts Stripe.js with it)',
        });
      if (!env.STRIPE_WEBHOOK_SECRET)
        ctx.addIssue({
          code: 'custom',
          path: ['STRIPE_WEBHOOK_SECRET'],
          message: 'is required when VAULT_GATEWAY=stripe',
        });
    }
    if (env.VAULT_GATEWAY === 'braintree') {
      for (const name of [
        'VAULT_BRAINTREE_MERCHANT_ID',
        'VAULT_BRAINTREE_PUBLIC_KEY',
        'VAULT_BRAINTREE_PRIVATE_KEY',
      ] as const)
        if (!env[name])
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: 'is required when VAULT_GATEWAY=braintree',
          });
    }
    if (env.VAULT_ENCRYPTION_KEY && env.VAULT_KEY_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['VAULT_KEY_FILE'],
        message: 'set either VAULT_ENCRYPTION_KEY or VAULT_KEY_FILE, not both',
      });
    }
    if (env.VAULT_DATABASE_URL && !env.VAULT_ENCRYPTION_KEY && !env.VAULT_KEY_FILE) {
      // The first-run key bootstrap is only for the embedded store: a shared
      // database with a key on one host's disk would be unreadable elsewhere.
      ctx.addIssue({
        code: 'custom',
        path: ['VAULT_ENCRYPTION_KEY'],
        message: 'is required when VAULT_DATABASE_URL is set (or VAULT_KEY_FILE)',
      });
    }
  });

export type VaultEnv = z.infer<typeof VaultEnvSchema>;

export interface VaultConfig {
  port: number;
  host: string;
  /** Origin the browser reaches the vault on; pay links are built on it. */
  publicUrl: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Isolates the store in one PostgreSQL schema (tests). */
  databaseSchema?: string;
  serverUrl: string;
  signingSecretIn: string;
  signingSecretOut: string;
  encryptionKey: Buffer | undefined;
  /** Where the key lives when not given inline; defaults to `<dataDir>/encryption.key` (SQLite only). */
  keyFile: string | undefined;
  gateway: 'test' | 'stripe' | 'braintree';
  stripe: {
    secretKey: string | undefined;
    webhookSecret: string | undefined;
    apiBase: string | undefined;
    publishableKey: string | undefined;
    jsUrl: string;
    /** PARLEY_STRIPE_RAW_CARD_SAQ_D: card data through the vault (SAQ D) instead of Stripe.js. */
    rawCardSaqD: boolean;
  };
  braintree: {
    environment: 'sandbox' | 'production';
    merchantId: string | undefined;
    publicKey: string | undefined;
    privateKey: string | undefined;
    /** ISO 4217 code → merchant account id. */
    merchantAccounts: Record<string, string>;
    threeDSecure: boolean;
    jsUrl: string;
    apiUrl: string | undefined;
  };
  cardOnFile: boolean;
  allowedFrameAncestors: string[];
  logLevel: VaultEnv['VAULT_LOG_LEVEL'];
  /** Where pino writes; tests capture it. Defaults to stdout. */
  logStream?: NodeJS.WritableStream;
  /** Default seconds a payment request (and its link) stays payable. */
  requestTtlSeconds: number;
  /** Days after which finished payment records are anonymised (docs/privacy.md); unset: never. */
  paymentRetentionDays?: number | undefined;
  /** Public origin of the chat server: allowed to frame the pay page and to receive its postMessage. */
  serverPublicOrigin: string;
  /** First retry delay of event delivery; doubles up to `eventRetryMaxMs`. */
  eventRetryBaseMs: number;
  eventRetryMaxMs: number;
  /** Directory of the built pay page; defaults to apps/pay/dist (dist/web/pay when compiled). */
  payDistDir: string;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid vault configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

// From the production build (dist/vault.js, where scripts/build-node.mjs defines
// import.meta.parleyDist) the pay page is dist/web/pay; from source, apps/pay/dist.
export const DEFAULT_PAY_DIST = (import.meta as ImportMeta & { parleyDist?: boolean }).parleyDist
  ? resolve(import.meta.dirname, 'web/pay')
  : resolve(import.meta.dirname, '../../pay/dist');

/** Parses the environment; throws ConfigError listing every problem. */
export function parseVaultEnv(env: Record<string, string | undefined>): VaultConfig {
  const parsed = VaultEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`),
    );
  }
  const e = parsed.data;
  return {
    port: e.VAULT_PORT,
    host: e.VAULT_HOST,
    publicUrl: e.VAULT_PUBLIC_URL?.replace(/\/+$/, ''),
    dataDir: resolve(e.VAULT_DATA_DIR),
    databaseUrl: e.VAULT_DATABASE_URL,
    serverUrl: e.VAULT_SERVER_URL.replace(/\/+$/, ''),
    signingSecretIn: e.VAULT_SIGNING_SECRET_IN,
    signingSecretOut: e.VAULT_SIGNING_SECRET_OUT,
    encryptionKey:
      e.VAULT_ENCRYPTION_KEY === undefined
        ? undefined
        : Buffer.from(e.VAULT_ENCRYPTION_KEY, 'base64'),
    keyFile: e.VAULT_KEY_FILE === undefined ? undefined : resolve(e.VAULT_KEY_FILE),
    gateway: e.VAULT_GATEWAY,
    stripe: {
      secretKey: e.STRIPE_SECRET_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
      apiBase: e.STRIPE_API_BASE,
      publishableKey: e.STRIPE_PUBLISHABLE_KEY,
      jsUrl: e.STRIPE_JS_URL,
      rawCardSaqD: e.PARLEY_STRIPE_RAW_CARD_SAQ_D,
    },
    braintree: {
      environment: e.VAULT_BRAINTREE_ENVIRONMENT,
      merchantId: e.VAULT_BRAINTREE_MERCHANT_ID,
      publicKey: e.VAULT_BRAINTREE_PUBLIC_KEY,
      privateKey: e.VAULT_BRAINTREE_PRIVATE_KEY,
      merchantAccounts: Object.fromEntries(
        e.VAULT_BRAINTREE_MERCHANT_ACCOUNTS.map((entry) => entry.split('=') as [string, string]),
      ),
      threeDSecure: e.VAULT_BRAINTREE_THREE_D_SECURE,
      jsUrl: e.VAULT_BRAINTREE_JS_URL,
      apiUrl: e.VAULT_BRAINTREE_API_URL,
    },
    cardOnFile: e.VAULT_CARD_ON_FILE,
    allowedFrameAncestors: e.VAULT_ALLOWED_FRAME_ANCESTORS.map((u) => new URL(u).origin),
    logLevel: e.VAULT_LOG_LEVEL,
    requestTtlSeconds: 30 * 60,
    paymentRetentionDays: e.VAULT_PAYMENT_RETENTION_DAYS,
    serverPublicOrigin: new URL(e.VAULT_SERVER_PUBLIC_URL ?? e.VAULT_SERVER_URL).origin,
    eventRetryBaseMs: 1000,
    eventRetryMaxMs: 5 * 60_000,
    payDistDir: DEFAULT_PAY_DIST,
  };
}

const KEY_FILE = 'encryption.key';

/**
 * The vault key: from config; else from `VAULT_KEY_FILE` (a path apart from
 * the database, issue 10 finding 7), read or generated there; else (embedded
 * SQLite only) `<dataDir>/encryption.key`. The file is 0600 and its directory
 * 0700, whatever existed before.
 */
export function resolveEncryptionKey(config: VaultConfig): Buffer {
  if (config.encryptionKey) return config.encryptionKey;
  if (config.databaseUrl && !config.keyFile)
    throw new ConfigError([
      'VAULT_ENCRYPTION_KEY: is required when VAULT_DATABASE_URL is set (or VAULT_KEY_FILE)',
    ]);
  const file = config.keyFile ?? join(config.dataDir, KEY_FILE);
  const dir = dirname(file);
  if (config.keyFile) mkdirSync(dir, { recursive: true, mode: 0o700 });
  else ensurePrivateDir(dir);
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new ConfigError([`${file}: does not hold a 32-byte base64 key`]);
    return key;
  }
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}
