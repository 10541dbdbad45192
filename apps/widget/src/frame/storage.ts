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

export function browserStore(): KeyValueStore {
  const fallback = memoryStore();
  let storage: Storage | null;
  try {
    storage = window.localStorage;
    storage.getItem('parley:probe');
  } catch {
    storage = null;
  }
  if (!storage) return fallback;
  const s = storage;
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
