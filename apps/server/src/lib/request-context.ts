import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Facts about the HTTP request being served that code far from the route must
 * know without being handed them: today, the API token the request acts with,
 * so that every audit entry it causes names the token (docs/api.md). One
 * mutable object per request, entered in an onRequest hook (http/app.ts).
 */
export interface RequestFacts {
  apiToken?: { id: string };
}

const storage = new AsyncLocalStorage<RequestFacts>();

/** Runs `next` (the rest of the request's hooks and its handler) with a fresh fact object. */
export function withRequestFacts(next: () => void): void {
  storage.run({}, next);
}

/** The current request's facts; undefined outside a request (jobs, the CLI, sockets). */
export function requestFacts(): RequestFacts | undefined {
  return storage.getStore();
}
