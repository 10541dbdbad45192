/**
 * Built web assets, served from memory with content negotiation: each file is
 * read once at boot together with the `.br` and `.gz` twins that
 * `npm run build` precompressed (scripts/precompress.mjs), and sent in the
 * best encoding the client accepts, with `Vary: Accept-Encoding` and a strong
 * ETag of the raw bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type Encoding = 'br' | 'gzip' | 'identity';

export interface StaticFile {
  type: string;
  etag: string;
  raw: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

/** Hashed names (Vite's `name-HASH.ext`) never change content: cache for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Entry points with fixed names (HTML, widget.js): revalidate with the ETag. */
export const REVALIDATE = 'no-cache';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

function readTwin(file: string): Buffer | undefined {
  return existsSync(file) ? readFileSync(file) : undefined;
}

function etagOf(raw: Buffer): string {
  return `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`;
}

/** A constant asset held in code (the demo page's stylesheet), compressed once at boot. */
export function staticFile(type: string, content: string): StaticFile {
  const raw = Buffer.from(content);
  return { type, etag: etagOf(raw), raw, br: brotliCompressSync(raw), gzip: gzipSync(raw) };
}

/** A file and its precompressed twins; undefined when it does not exist. */
export function loadStaticFile(file: string): StaticFile | undefined {
  if (!existsSync(file) || !statSync(file).isFile()) return undefined;
  const raw = readFileSync(file);
  const br = readTwin(`${file}.br`);
  const gzip = readTwin(`${file}.gz`);
  return {
    type: TYPES[extname(file)] ?? 'application/octet-stream',
    etag: etagOf(raw),
    raw,
    ...(br ? { br } : {}),
    ...(gzip ? { gzip } : {}),
  };
}

/** Every file of a directory (not recursive; the twins are folded into their file). */
export function loadStaticDir(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(dir)) return files;
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.br') || name.endsWith('.gz')) continue;
    const file = loadStaticFile(join(dir, name));
    if (file) files.set(name, file);
  }
  return files;
}

/**
 * The encoding to send, from an Accept-Encoding header (RFC 9110 §12.5.3):
 * the acceptable coding with the highest q among those available, brotli before
 * gzip on a tie; `*` stands for any coding not named; q=0 refuses.
 */
export function negotiateEncoding(
  header: string | undefined,
  available: { br?: unknown; gzip?: unknown },
): Encoding {
  if (!header) return 'identity';
  const q = new Map<string, number>();
  for (const part of header.toLowerCase().split(',')) {
    const [token = '', ...params] = part.trim().split(';');
    if (!token) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
      if (m) weight = Math.min(1, Number(m[1]) || 0);
    }
    q.set(token.trim() === 'x-gzip' ? 'gzip' : token.trim(), weight);
  }
  const weightOf = (coding: string): number => q.get(coding) ?? q.get('*') ?? 0;
  let best: Encoding = 'identity';
  let bestQ = 0;
  for (const coding of ['br', 'gzip'] as const) {
    if (available[coding] === undefined) continue;
    const w = weightOf(coding);
    if (w > bestQ) {
      best = coding;
      bestQ = w;
    }
  }
  return best;
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/**
 * Sends a static file in the negotiated encoding with its caching headers, or
 * 304 when the client's If-None-Match holds the current ETag. Headers the
 * caller set (CSP and the like) are kept.
 */
export function sendStatic(
  request: FastifyRequest,
  reply: FastifyReply,
  file: StaticFile,
  cacheControl: string,
): FastifyReply {
  void reply.header('vary', 'Accept-Encoding');
  void reply.header('cache-control', cacheControl);
  void reply.header('etag', file.etag);
  void reply.header('x-content-type-options', 'nosniff');
  if (matchesEtag(request.headers['if-none-match'], file.etag)) return reply.code(304).send();
  const encoding = negotiateEncoding(request.headers['accept-encoding'], file);
  void reply.type(file.type);
  if (encoding === 'identity') return reply.send(file.raw);
  void reply.header('content-encoding', encoding);
  return reply.send(encoding === 'br' ? file.br : file.gzip);
}
