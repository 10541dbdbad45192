import type { KeyValueStore } from './storage';

/** The page's cookies as document.cookie exposes them (an interface so the chunking can be tested). */
export interface CookieJar {
  read(): string;
  write(cookie: string): void;
}

export const documentJar: CookieJar = {
  read: () => document.cookie,
  write: (cookie) => void (document.cookie = cookie),
};

/** Browsers keep at least 4,096 bytes per cookie (name, value and attributes); stay well below. */
export const CHUNK_CHARS = 3000;
/** At most this many chunks per key (30 kB): a bigger value is kept in memory for the page view only. */
export const MAX_CHUNKS = 10;
const MAX_AGE_S = 30 * 24 * 3600;

/**
 * Partitioned cookies (CHIPS): in a third-party frame where the browser blocks
 * or drops the frame's localStorage, a `Partitioned; Secure; SameSite=None`
 * cookie is still kept, keyed to the top-level site, so the chat frame on
 * shop.example has its own jar that no other site's frame sees. Values are
 * URI-encoded and split into chunks `<name>.0 … <name>.<n-1>` with the count
 * in `<name>.n`, each under the per-cookie size limit. Path /frame/: the API
 * calls (credentials: 'omit') never carry them.
 */
export function cookieStore(jar: CookieJar = documentJar): KeyValueStore {
  const attrs = `; Path=/frame/; Secure; SameSite=None; Partitioned`;
  const name = (key: string) => `p_${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const all = (): Map<string, string> => {
    const map = new Map<string, string>();
    for (const part of jar.read().split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) map.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    return map;
  };
  const put = (cookie: string, value: string) =>
    jar.write(`${cookie}=${value}; Max-Age=${MAX_AGE_S}${attrs}`);
  const drop = (cookie: string) => jar.write(`${cookie}=; Max-Age=0${attrs}`);
  const count = (jarNow: Map<string, string>, n: string) => {
    const c = Number(jarNow.get(`${n}.n`));
    return Number.isInteger(c) && c > 0 && c <= MAX_CHUNKS ? c : 0;
  };
  const remove = (key: string): void => {
    const n = name(key);
    const c = count(all(), n);
    for (let i = 0; i < c; i++) drop(`${n}.${i}`);
    drop(`${n}.n`);
  };
  const memory = new Map<string, string>();
  return {
    get(key) {
      if (memory.has(key)) return memory.get(key) ?? null;
      const jarNow = all();
      const n = name(key);
      const c = count(jarNow, n);
      if (c === 0) return null;
      let encoded = '';
      for (let i = 0; i < c; i++) {
        const chunk = jarNow.get(`${n}.${i}`);
        if (chunk === undefined) return null;
        encoded += chunk;
      }
      try {
        return decodeURIComponent(encoded);
      } catch {
        return null;
      }
    },
    set(key, value) {
      const encoded = encodeURIComponent(value);
      const chunks = Math.max(1, Math.ceil(encoded.length / CHUNK_CHARS));
      const n = name(key);
      const before = count(all(), n);
      if (chunks > MAX_CHUNKS) {
        memory.set(key, value);
        return remove(key);
      }
      memory.delete(key);
      for (let i = 0; i < chunks; i++)
        put(`${n}.${i}`, encoded.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS));
      for (let i = chunks; i < before; i++) drop(`${n}.${i}`);
      // The count last: a reader never sees a count whose chunks are not written yet.
      put(`${n}.n`, String(chunks));
    },
    remove(key) {
      memory.delete(key);
      remove(key);
    },
  };
}

/** Whether cookies written from this frame are kept (blocked third-party cookies: not). */
export function cookiesWork(jar: CookieJar = documentJar): boolean {
  try {
    const probe = `p_probe=${Date.now()}`;
    jar.write(`${probe}; Max-Age=60; Path=/frame/; Secure; SameSite=None; Partitioned`);
    const kept = jar.read().includes(probe);
    jar.write('p_probe=; Max-Age=0; Path=/frame/; Secure; SameSite=None; Partitioned');
    return kept;
  } catch {
    return false;
  }
}
