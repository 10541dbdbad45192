import { cookieStore, cookiesWork } from './cookie-store';

/** A Storage that never throws: in a third-party iframe the browser may block
 * localStorage entirely, and the chat must still work for the page view. */
export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

export function memoryStore(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    get: (k) => map.get(k) ?? null,
    set: (k, v) => void map.set(k, v),
    remove: (k) => void map.delete(k),
  };
}

export type StorageKind = 'local' | 'cookie' | 'memory';
/** The loader's `data-storage`: `auto` tries localStorage, then partitioned cookies, then memory. */
export type StoragePreference = 'auto' | StorageKind;

export function parseStoragePreference(value: string | null): StoragePreference {
  return value === 'local' || value === 'cookie' || value === 'memory' ? value : 'auto';
}

/** localStorage when the browser lets this frame use it (a write that reads back), else null. */
export function usableLocalStorage(get: () => Storage = () => window.localStorage): Storage | null {
  try {
    const storage = get();
    storage.setItem('parley:probe', '1');
    const ok = storage.getItem('parley:probe') === '1';
    storage.removeItem('parley:probe');
    return ok ? storage : null;
  } catch {
    return null;
  }
}

function localStore(s: Storage): KeyValueStore {
  const fallback = memoryStore();
  return {
    get: (k) => {
      try {
        return s.getItem(k);
      } catch {
        return fallback.get(k);
      }
    },
    set: (k, v) => {
      try {
        s.setItem(k, v);
      } catch {
        fallback.set(k, v);
      }
    },
    remove: (k) => {
      try {
        s.removeItem(k);
      } catch {
        fallback.remove(k);
      }
    },
  };
}

export interface StorageProbes {
  local: () => Storage | null;
  cookies: () => boolean;
  cookieStore: () => KeyValueStore;
}

/**
 * Where the frame keeps the visitor token, the conversation memo and the
 * outbox (issue 11 item 6, docs/widget.md "Storage"): localStorage; where a
 * third-party frame may not use it, partitioned cookies; else memory for the
 * page view. The choice is the first that works from `preference` on.
 */
export function chooseStore(
  preference: StoragePreference,
  probes: StorageProbes,
): { kind: StorageKind; store: KeyValueStore } {
  const order: StorageKind[] =
    preference === 'auto' || preference === 'local'
      ? ['local', 'cookie', 'memory']
      : preference === 'cookie'
        ? ['cookie', 'memory']
        : ['memory'];
  for (const kind of order) {
    if (kind === 'local') {
      const s = probes.local();
      if (s) return { kind, store: localStore(s) };
    } else if (kind === 'cookie') {
      if (probes.cookies()) return { kind, store: probes.cookieStore() };
    }
  }
  return { kind: 'memory', store: memoryStore() };
}

/** The frame's store as the browser allows; the kind is shown on <html data-storage>. */
export function browserStore(preference: StoragePreference = 'auto'): KeyValueStore {
  const chosen = chooseStore(preference, {
    local: () => usableLocalStorage(),
    cookies: () => cookiesWork(),
    cookieStore: () => cookieStore(),
  });
  document.documentElement.dataset.storage = chosen.kind;
  return chosen.store;
}

export function readJson(store: KeyValueStore, key: string): unknown {
  const raw = store.get(key);
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    store.remove(key);
    return null;
  }
}

/** Storage keys, one set per organisation (a page may embed several). */
export function storageKeys(orgKey: string): {
  session: string;
  conversation: string;
  outbox: string;
} {
  const prefix = `parley:v1:${orgKey}:`;
  return {
    session: `${prefix}session`,
    conversation: `${prefix}conversation`,
    outbox: `${prefix}outbox`,
  };
}
