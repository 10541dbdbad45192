import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, consoleApi, setCsrfToken } from './api';

const conversation = {
  id: 'c1',
  status: 'active',
  visitor: { id: 'v1', name: null },
  agent: { id: 'a1', name: 'Ada' },
  lastSeq: 0,
  createdAt: 1,
  updatedAt: 2,
};

function fakeFetch(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  });
  return calls;
}

const header = (init: RequestInit, name: string) => (init.headers as Record<string, string>)[name];

describe('console API client', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setCsrfToken(null);
  });

  it('sends the CSRF token on every non-GET call and never on GETs', async () => {
    setCsrfToken('csrf-123');
    const calls = fakeFetch(200, { conversation });
    await consoleApi.accept('c1');
    await consoleApi.close('c1');
    expect(calls.map((c) => header(c.init, 'x-csrf-token'))).toEqual(['csrf-123', 'csrf-123']);
    const getCalls = fakeFetch(200, { conversations: [] });
    await consoleApi.conversations('waiting');
    expect(header(getCalls[0]!.init, 'x-csrf-token')).toBeUndefined();
    expect(getCalls[0]!.url).toBe('/api/conversations?status=waiting');
  });

  it('turns a 409 into an error with the registry code and the safe message', async () => {
    fakeFetch(409, {
      error: {
        code: 'conversation_taken',
        message: 'Another agent has already accepted this conversation.',
      },
    });
    const err = await consoleApi.accept('c1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 409,
      code: 'conversation_taken',
      message: 'Another agent has already accepted this conversation.',
    });
  });

  it('rejects an answer that does not match the protocol schema', async () => {
    fakeFetch(200, { conversation: { id: 'c1' } });
    await expect(consoleApi.accept('c1')).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('reports an unreachable server as a network error', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed');
    });
    await expect(consoleApi.session()).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });
});
