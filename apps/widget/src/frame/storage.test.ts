import { describe, expect, it } from 'vitest';
import { CHUNK_CHARS, cookieStore, cookiesWork, MAX_CHUNKS, type CookieJar } from './cookie-store';
import { chooseStore, memoryStore, parseStoragePreference, usableLocalStorage } from './storage';
import { Outbox } from './outbox';
import { VisitorStore } from './session';

/** A cookie jar with the browser's rules that matter here: per-name replace, Max-Age=0 deletes,
 * a cookie over 4,096 bytes is dropped, and a blocking jar keeps nothing. */
class Jar implements CookieJar {
  readonly cookies = new Map<string, string>();
  writes: string[] = [];
  constructor(private readonly blocked = false) {}
  read() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  write(cookie: string) {
    this.writes.push(cookie);
    if (this.blocked || cookie.length > 4096) return;
    const [pair = '', ...attrs] = cookie.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    if (attrs.some((a) => a.trim() === 'Max-Age=0')) this.cookies.delete(name);
    else this.cookies.set(name, pair.slice(eq + 1));
  }
}

/** A Storage whose every call throws, as a third-party frame's localStorage can. */
const throwing = () => {
  throw new DOMException('The operation is insecure.', 'SecurityError');
};

describe('frame storage fallback', () => {
  it('takes localStorage when it works, partitioned cookies when not, memory when neither', () => {
    const cookieJar = new Jar();
    const probes = (local: boolean, cookies: boolean) => ({
      local: () => (local ? ({} as Storage) : null),
      cookies: () => cookies,
      cookieStore: () => cookieStore(cookieJar),
    });
    expect(chooseStore('auto', probes(true, true)).kind).toBe('local');
    expect(chooseStore('auto', probes(false, true)).kind).toBe('cookie');
    expect(chooseStore('auto', probes(false, false)).kind).toBe('memory');
    // data-storage chooses: cookie skips localStorage, memory keeps nothing beyond the page view.
    expect(chooseStore('cookie', probes(true, true)).kind).toBe('cookie');
    expect(chooseStore('cookie', probes(true, false)).kind).toBe('memory');
    expect(chooseStore('memory', probes(true, true)).kind).toBe('memory');
    expect(chooseStore('local', probes(false, true)).kind).toBe('cookie');
    expect(parseStoragePreference('cookie')).toBe('cookie');
    expect(parseStoragePreference('sessionStorage')).toBe('auto');
    expect(parseStoragePreference(null)).toBe('auto');
  });

  it('finds localStorage unusable when it throws or does not keep a write', () => {
    expect(usableLocalStorage(throwing)).toBeNull();
    const forgetful = {
      setItem: () => undefined,
      getItem: () => null,
      removeItem: () => undefined,
    } as unknown as Storage;
    expect(usableLocalStorage(() => forgetful)).toBeNull();
  });

  it('writes every cookie Partitioned; Secure; SameSite=None, and tells a blocking jar apart', () => {
    const jar = new Jar();
    expect(cookiesWork(jar)).toBe(true);
    expect(jar.cookies.size).toBe(0);
    cookieStore(jar).set('parley:v1:org:session', '{"token":"t"}');
    for (const w of jar.writes) expect(w).toMatch(/; Secure; SameSite=None; Partitioned$/);
    expect(cookiesWork(new Jar(true))).toBe(false);
  });

  it('chunks a long value under the cookie size limit and reads it back whole', () => {
    const jar = new Jar();
    const store = cookieStore(jar);
    const value = JSON.stringify({ text: 'é;= ,'.repeat(500) }); // 2.5 kB, 9 kB encoded
    store.set('parley:v1:org:outbox', value);
    const chunks = [...jar.cookies.keys()].filter((k) => /\.\d+$/.test(k));
    expect(chunks.length).toBeGreaterThan(1);
    for (const w of jar.writes) expect(w.length).toBeLessThanOrEqual(4096);
    // A fresh store (the next page view) reads what the cookies hold.
    expect(cookieStore(jar).get('parley:v1:org:outbox')).toBe(value);
    // Shrinking drops the chunks that are no longer used; removing drops all.
    store.set('parley:v1:org:outbox', '[]');
    expect([...jar.cookies.keys()].sort()).toEqual([
      'p_parley_v1_org_outbox.0',
      'p_parley_v1_org_outbox.n',
    ]);
    store.remove('parley:v1:org:outbox');
    expect(jar.cookies.size).toBe(0);
    expect(store.get('parley:v1:org:outbox')).toBeNull();
  });

  it('keeps a value too big for its cookie budget in memory only, never a truncated one', () => {
    const jar = new Jar();
    const store = cookieStore(jar);
    const huge = 'x'.repeat(CHUNK_CHARS * MAX_CHUNKS + 1);
    store.set('k', huge);
    expect(store.get('k')).toBe(huge);
    expect(cookieStore(jar).get('k')).toBeNull();
  });

  it('keeps the visitor session, conversation memo and outbox across page views in cookies', () => {
    const jar = new Jar();
    const first = new VisitorStore(cookieStore(jar), 'org');
    first.saveSession({
      token: 'tok',
      visitorId: 'v1',
      expiresAt: Date.now() + 60_000,
      verified: false,
    });
    first.saveConversation('c1', { readSeq: 3, masked: {} });
    new Outbox(cookieStore(jar), first.outboxKey).add({
      clientMsgId: 'm1',
      conversationId: 'c1',
      text: 'typed before the reload',
      createdAt: 1,
    });
    const again = new VisitorStore(cookieStore(jar), 'org');
    expect(again.session()?.token).toBe('tok');
    expect(again.conversation('c1').readSeq).toBe(3);
    expect(new Outbox(cookieStore(jar), again.outboxKey).list('c1').map((e) => e.text)).toEqual([
      'typed before the reload',
    ]);
    // Memory alone forgets at the end of the page view.
    expect(new VisitorStore(memoryStore(), 'org').session()).toBeNull();
  });
});
