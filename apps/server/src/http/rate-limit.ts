import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { ParleyError } from '@parley/protocol';
import type { Logger } from '../logger';
import { sha256Hex } from '../lib/tokens';

/**
 * Abuse limits on HTTP (issue 11 item 2, docs/security.md "Rate limits"):
 * every route per source address; visitor routes also per visitor token;
 * session and conversation creation per address, tighter. Counters live in
 * Redis when REDIS_URL is set (shared by every node), in memory otherwise.
 */
export interface RateLimitSettings {
  perMinute: number;
  visitorPerMinute: number;
  sessionsPerMinute: number;
  conversationsPerMinute: number;
  redisUrl?: string | undefined;
  /** The installation's Redis key prefix (PARLEY_REDIS_PREFIX); limits live under `<prefix>rl:`. */
  redisPrefix?: string | undefined;
}

/** A limiter that answers how a request stands; `check` throws 429 with Retry-After when over. */
export interface Limiter {
  check(request: FastifyRequest, reply: FastifyReply, key: string): Promise<void>;
  /** For sockets and other non-route callers: the seconds to wait, or 0 when allowed. */
  hit(key: string): Promise<number>;
}

export interface RateLimits {
  visitor: Limiter;
  sessions: Limiter;
  conversations: Limiter;
  /** Any named limiter (used by the WebSocket gateway). */
  create(name: string, max: number, windowMs: number): Limiter;
  close(): Promise<void>;
}

const bearer = (request: FastifyRequest): string | undefined => {
  const h = request.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
};

/** The key of a visitor token for limits: a hash, never the token. */
export const visitorLimitKey = (token: string) => `v:${sha256Hex(token).slice(0, 32)}`;

export async function installRateLimits(
  app: FastifyInstance,
  settings: RateLimitSettings,
  log: Logger,
  onLimited?: (kind: string, ip: string) => void,
): Promise<RateLimits> {
  let redis: Redis | undefined;
  if (settings.redisUrl) {
    redis = new Redis(settings.redisUrl, {
      // A limiter must not make requests wait for a dead Redis: fail fast, count in the next window.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 1000,
      lazyConnect: false,
    });
    redis.on('error', (err: Error) => log.warn({ err: err.message }, 'rate limit: redis error'));
  }
  await app.register(fastifyRateLimit, {
    global: true,
    max: settings.perMinute,
    timeWindow: 60_000,
    cache: 50_000,
    ...(redis ? { redis, nameSpace: `${settings.redisPrefix ?? 'parley:'}rl:` } : {}),
    // Redis down: let requests through (the in-memory socket and connection caps still hold)
    // rather than refusing everyone (DESIGN law 8); the error is logged above.
    skipOnError: true,
    keyGenerator: (request) => `ip:${request.ip}`,
    errorResponseBuilder: (request) => {
      onLimited?.('http', request.ip);
      return new ParleyError('too_many_requests');
    },
  });

  const limiters: Limiter[] = [];
  const create = (name: string, max: number, windowMs: number): Limiter => {
    const apply = app.createRateLimit({
      max,
      timeWindow: windowMs,
      skipOnError: true,
      keyGenerator: (req) => (req as unknown as { parleyKey: string }).parleyKey,
    });
    const hit = async (key: string) => {
      const r = await apply({
        parleyKey: `${name}:${key}`,
        routeOptions: { config: {} },
      } as unknown as FastifyRequest);
      if (r.isAllowed || !r.isExceeded) return 0;
      return Math.max(1, r.ttlInSeconds);
    };
    const limiter: Limiter = {
      hit,
      async check(request, reply, key) {
        const wait = await hit(key);
        if (wait === 0) return;
        onLimited?.(name, request.ip);
        void reply.header('retry-after', String(wait));
        throw new ParleyError('too_many_requests');
      },
    };
    limiters.push(limiter);
    return limiter;
  };

  const visitor = create('visitor', settings.visitorPerMinute, 60_000);
  // Visitor routes: per visitor token too, so one visitor behind a shared address cannot use it all.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/visitor/')) return;
    const token = bearer(request);
    if (token) await visitor.check(request, reply, visitorLimitKey(token));
  });

  return {
    visitor,
    sessions: create('sessions', settings.sessionsPerMinute, 60_000),
    conversations: create('conversations', settings.conversationsPerMinute, 60_000),
    create,
    async close() {
      if (redis) redis.disconnect();
    },
  };
}
