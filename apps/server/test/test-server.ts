import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../src/config';
import { startServer, type RunningServer } from '../src/main';
import { bootstrapTestOrg, type TestOrg } from './bootstrap';
import { GENEROUS_LIMITS } from './limits';
import { hashPassword } from '../src/modules/auth';
import { keyringOf, seal, secretContext } from '../src/modules/security';
import { authenticator } from 'otplib';
import type { Role } from '@parley/protocol';
import type { Store } from '../src/store';

export interface TestServer {
  url: string;
  wsUrl: string;
  orgKey: string;
  orgId: string;
  /** The server's data directory (removed on close). */
  dataDir: string;
  admin: { email: string; password: string };
  server: RunningServer;
  /** Every log line the server wrote, for tests that search logs. */
  logs: string[];
  createAgent(
    role?: Role,
    orgId?: string,
  ): Promise<{ email: string; password: string; id: string }>;
  /** Enrols an authenticator for the agent directly in the store; returns its TOTP secret. */
  enrolTotp(agentId: string, orgId?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts a real server on a free port with the embedded defaults (a fresh
 * SQLite file, in-process bus) and a bootstrapped organisation and admin.
 * Pass `store` to run it on another store (PostgreSQL), `redisUrl` for the Redis bus.
 */
// Nodes on one store share its keys, as a cluster's nodes share PARLEY_DATA_KEY, PARLEY_AUDIT_KEY
// and PARLEY_SECRETS_KEY (a node with other keys refuses to start: modules/security/key-check.ts).
const storeKeys = new WeakMap<Store, Record<string, string>>();
function keysOf(store: Store): Record<string, string> {
  let keys = storeKeys.get(store);
  if (keys === undefined) {
    const key = () => randomBytes(32).toString('base64url');
    keys = { PARLEY_DATA_KEY: key(), PARLEY_AUDIT_KEY: key(), PARLEY_SECRETS_KEY: key() };
    storeKeys.set(store, keys);
  }
  return keys;
}

export async function startTestServer(
  opts: {
    store?: Store;
    redisUrl?: string;
    logLevel?: string;
    env?: Record<string, string>;
    /**
     * Keep the production MFA policy (required for admins). Without it the test
     * organisation gets the store-only policy 'none' so that tests not about
     * MFA can sign the admin in with a password; the API cannot set 'none'.
     */
    productionMfa?: boolean;
    /** Keep the product default: consent required before a conversation starts (docs/privacy.md). */
    consentRequired?: boolean;
    /** Serve this organisation (already in `store`) instead of bootstrapping one: a restarted node. */
    org?: TestOrg;
    /** First retry delay of the mail queue (default 30 s). */
    mailRetryBaseMs?: number;
    /** SIEM export timings (with PARLEY_SYSLOG_URL in env). */
    siem?: { confirmMs?: number; retryBaseMs?: number };
    /** First retry delay of a security webhook post. */
    webhookRetryBaseMs?: number;
  } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-test-'));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const config = loadConfig(
    {
      ...GENEROUS_LIMITS,
      PARLEY_LOG_LEVEL: opts.logLevel ?? 'info',
      // Proof of work stays on in tests, one hex zero hard (16 hashes on average).
      PARLEY_POW_DIFFICULTY: '1',
      ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
      ...(opts.store ? keysOf(opts.store) : {}),
      ...opts.env,
    },
    { dataDir, port: 0, host: '127.0.0.1' },
  );
  const server = await startServer(config, {
    logDestination: sink,
    ...(opts.store ? { store: opts.store } : {}),
    ...(opts.mailRetryBaseMs !== undefined ? { mailRetryBaseMs: opts.mailRetryBaseMs } : {}),
    ...(opts.siem ? { siem: opts.siem } : {}),
    ...(opts.webhookRetryBaseMs !== undefined
      ? { webhookRetryBaseMs: opts.webhookRetryBaseMs }
      : {}),
  });
  const origin = new URL(server.url).origin;
  const { org, admin } =
    opts.org ??
    (await bootstrapTestOrg(server.store, {
      publicOrigin: origin,
      ...(opts.productionMfa ? { productionMfa: true } : {}),
      ...(opts.consentRequired ? { consentRequired: true } : {}),
    }));
  let n = 0;
  return {
    url: server.url,
    wsUrl: server.url.replace(/^http/, 'ws'),
    orgKey: org.key,
    orgId: org.id,
    dataDir,
    admin,
    server,
    logs,
    async createAgent(role: Role = 'agent', orgId = org.id) {
      n += 1;
      const email = `${role}-${n}-${Math.random().toString(36).slice(2)}@parley.test`;
      const password = `correct horse battery ${n}`;
      if (!opts.productionMfa && orgId !== org.id)
        await server.store.security.updateSettings(orgId, { mfaPolicy: 'none' }, Date.now());
      const row = await server.store.agents.create({
        orgId,
        email,
        name: `${role} ${n}`,
        role,
        passwordHash: await hashPassword(password),
      });
      return { email, password, id: row.id };
    },
    async enrolTotp(agentId: string, orgId = org.id) {
      const secret = authenticator.generateSecret(20);
      // Stored sealed, as the MFA service stores it (issue 10 finding 7).
      await server.store.security.setPendingSecret(
        orgId,
        agentId,
        seal(keyringOf(server.store), secret, secretContext.totp(agentId)),
      );
      await server.store.security.enableTotp(orgId, agentId, Date.now());
      return secret;
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
