import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorBody } from '@parley/protocol';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Metrics } from '../lib/metrics';
import type { Store } from '../store';

/** One dependency's check: resolves when reachable, rejects (or times out) when not. */
export type DependencyCheck = () => Promise<void>;

export interface OpsRouteOptions {
  metrics: Metrics;
  /** The node is serving (false while starting and while draining). */
  isReady: () => boolean;
  /** store, bus, vault — whichever this node uses. */
  checks: Record<string, DependencyCheck>;
  /** Bearer token for /metrics from anywhere; without it only loopback may scrape. */
  metricsToken?: string | undefined;
  checkTimeoutMs?: number;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

function tokenMatches(request: FastifyRequest, token: string | undefined): boolean {
  if (!token) return false;
  const header = request.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : '';
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

function withDeadline(check: DependencyCheck, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    check().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/**
 * Liveness, readiness and metrics (issue 17, item 2).
 *
 * - `/livez`: the process answers (a restart helps only when this fails).
 * - `/readyz`: the node can serve: started, not draining, and its store, bus
 *   and vault answer within the deadline; 503 naming what is down otherwise,
 *   so a load balancer sends traffic elsewhere until it heals (law 8).
 * - `/metrics`: Prometheus text; from loopback, or with the bearer token.
 */
export function registerOpsRoutes(app: FastifyInstance, opts: OpsRouteOptions): void {
  const timeout = opts.checkTimeoutMs ?? 1000;

  app.get('/livez', async () => ({ status: 'alive' }));

  app.get('/readyz', async (_request, reply) => {
    const names = Object.keys(opts.checks);
    const results = await Promise.allSettled(
      names.map((n) => withDeadline(opts.checks[n] as DependencyCheck, timeout)),
    );
    const checks: Record<string, 'up' | 'down'> = {};
    results.forEach((r, i) => {
      const name = names[i] as string;
      checks[name] = r.status === 'fulfilled' ? 'up' : 'down';
      opts.metrics.dependencyUp.set({ dependency: name }, r.status === 'fulfilled' ? 1 : 0);
    });
    const serving = opts.isReady();
    const ok = serving && Object.values(checks).every((c) => c === 'up');
    return reply
      .status(ok ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: ok ? 'ready' : serving ? 'degraded' : 'not_serving', checks });
  });

  app.get('/metrics', async (request, reply) => {
    if (!LOOPBACK.test(request.ip) && !tokenMatches(request, opts.metricsToken))
      return reply.status(403).send(errorBody('forbidden'));
    const body = await opts.metrics.registry.metrics();
    return reply
      .header('content-type', opts.metrics.registry.contentType)
      .header('cache-control', 'no-store')
      .send(body);
  });

  // Requests by route template (never the URL: it can hold ids) and status class.
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    const labels = { method: request.method, route };
    opts.metrics.httpRequests.inc({ ...labels, status: `${Math.floor(reply.statusCode / 100)}xx` });
    opts.metrics.httpSeconds.observe(labels, reply.elapsedTime / 1000);
  });
}

/**
 * The readiness probes of a node: the store answers a query, Redis (when the
 * bus runs on it) a PING, the vault (when configured) its /health. The Redis
 * probe has its own connection without an offline queue, so a probe during an
 * outage fails at once instead of waiting for the bus's retries.
 */
export function createDependencyChecks(opts: {
  store: Store;
  redisUrl?: string | undefined;
  vaultUrl?: string | undefined;
}): { checks: Record<string, DependencyCheck>; close(): Promise<void> } {
  let redis: Redis | undefined;
  const checks: Record<string, DependencyCheck> = {
    store: async () => {
      await sql`select 1`.execute(opts.store.db);
    },
  };
  if (opts.redisUrl) {
    const url = opts.redisUrl;
    checks.bus = async () => {
      redis ??= new Redis(url, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: 1000,
        retryStrategy: () => 1000,
      });
      // An 'error' listener: an outage must not become an unhandled emitter error (law 8).
      if (redis.listenerCount('error') === 0) redis.on('error', () => undefined);
      if (redis.status === 'wait') await redis.connect();
      await redis.ping();
    };
  }
  if (opts.vaultUrl) {
    const health = new URL('/health', opts.vaultUrl).toString();
    checks.vault = async () => {
      const res = await fetch(health, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`vault answered ${res.status}`);
    };
  }
  return {
    checks,
    async close() {
      redis?.disconnect();
    },
  };
}
