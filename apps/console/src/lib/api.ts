import type { z } from 'zod';
import {
  ConversationEnvelopeSchema,
  ConversationListSchema,
  MessageListSchema,
  SessionInfoSchema,
} from '@parley/protocol';
import type {
  ChatMessage,
  ConversationStatus,
  ConversationSummary,
  SessionInfo,
} from '@parley/protocol';

/** A failed REST call with its registry code (docs/errors.md) and a message safe to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;

/** Every non-GET /api call carries the session's CSRF token. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The session's CSRF token, for requests not made through call() (file uploads by XHR). */
export function csrfHeader(): Record<string, string> {
  return csrfToken ? { 'x-csrf-token': csrfToken } : {};
}

export async function call<S extends z.ZodType>(
  schema: S | null,
  path: string,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' = 'GET',
  body?: unknown,
): Promise<z.infer<S>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) init.body = JSON.stringify(body);
    res = await fetch(path, init);
  } catch {
    throw new ApiError(
      0,
      'network_error',
      'Cannot reach the server. Check your connection and try again.',
    );
  }
  const data = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const err = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code =
      typeof err?.code === 'string'
        ? err.code
        : res.status === 429
          ? 'rate_limited'
          : 'internal_error';
    const message =
      typeof err?.message === 'string' ? err.message : 'Something went wrong on our side.';
    throw new ApiError(res.status, code, message);
  }
  if (!schema) return undefined as z.infer<S>;
  const parsed = schema.safeParse(data);
  if (!parsed.success)
    throw new ApiError(res.status, 'invalid_response', 'The server sent an unexpected answer.');
  return parsed.data;
}

export const consoleApi = {
  session: (): Promise<SessionInfo> => call(SessionInfoSchema, '/api/auth/session'),
  /** Signs in; when the server asks for proof of work (challenge_required), solves it and tries once more. */
  login: async (email: string, password: string): Promise<SessionInfo> => {
    try {
      return await call(SessionInfoSchema, '/api/auth/login', 'POST', { email, password });
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 'challenge_required') throw e;
      const { solveSignInChallenge } = await import('./proof-of-work');
      const altcha = await solveSignInChallenge();
      return call(SessionInfoSchema, '/api/auth/login', 'POST', { email, password, altcha });
    }
  },
  /** Step-up: the password and a current code, valid for five minutes of sensitive changes. */
  stepUp: async (password: string, code?: string): Promise<void> => {
    await call(null, '/api/auth/step-up', 'POST', { password, ...(code ? { code } : {}) });
  },
  logout: async (): Promise<void> => {
    await call(null, '/api/auth/logout', 'POST', {});
  },
  conversations: async (status: ConversationStatus): Promise<ConversationSummary[]> =>
    (await call(ConversationListSchema, `/api/conversations?status=${status}`)).conversations,
  messages: async (id: string, afterSeq: number, limit = 500): Promise<ChatMessage[]> =>
    (
      await call(
        MessageListSchema,
        `/api/conversations/${encodeURIComponent(id)}/messages?afterSeq=${afterSeq}&limit=${limit}`,
      )
    ).messages,
  accept: async (id: string): Promise<ConversationSummary> =>
    (
      await call(
        ConversationEnvelopeSchema,
        `/api/conversations/${encodeURIComponent(id)}/accept`,
        'POST',
        {},
      )
    ).conversation,
  close: async (id: string): Promise<ConversationSummary> =>
    (
      await call(
        ConversationEnvelopeSchema,
        `/api/conversations/${encodeURIComponent(id)}/close`,
        'POST',
        {},
      )
    ).conversation,
};
