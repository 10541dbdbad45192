import type {
  Availability,
  PayLink,
  Rating,
  VisitorConversation,
  VisitorSession,
  WidgetConfig,
} from '@parley/protocol';

/** A failed REST call, carrying the registry code (docs/errors.md). */
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

interface CallOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  token?: string;
}

async function call<T>(path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let res: Response;
  try {
    const init: RequestInit = {
      method: options.method ?? 'GET',
      headers,
      credentials: 'omit',
      cache: 'no-store',
    };
    if (options.body !== undefined) init.body = JSON.stringify(options.body);
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the chat server. Check your connection.');
  }
  const data = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const err = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    throw new ApiError(
      res.status,
      typeof err?.code === 'string' ? err.code : 'internal_error',
      typeof err?.message === 'string' ? err.message : 'Something went wrong on our side.',
    );
  }
  return data as T;
}

export const visitorApi = {
  config: (orgKey: string, host: string, team?: string, lang?: string) =>
    call<WidgetConfig>(
      `/api/widget/config?org=${encodeURIComponent(orgKey)}&host=${encodeURIComponent(host)}${team ? `&team=${encodeURIComponent(team)}` : ''}${lang ? `&lang=${encodeURIComponent(lang)}` : ''}`,
    ),
  createSession: (orgKey: string, name?: string, identity?: string, altcha?: string) =>
    call<VisitorSession>('/api/visitor/session', {
      method: 'POST',
      body: {
        orgKey,
        ...(name ? { name } : {}),
        ...(identity ? { identity } : {}),
        ...(altcha ? { altcha } : {}),
      },
    }),
  conversations: (token: string) =>
    call<{ conversations: VisitorConversation[] }>('/api/visitor/conversations', { token }),
  startConversation: (token: string, name?: string, consentVersion?: number, teamId?: string) =>
    call<VisitorConversation>('/api/visitor/conversations', {
      method: 'POST',
      token,
      body: {
        ...(name ? { name } : {}),
        ...(consentVersion !== undefined ? { consent: { version: consentVersion } } : {}),
        ...(teamId ? { teamId } : {}),
      },
    }),
  withdrawConsent: (token: string, conversationId: string) =>
    call<{ outcome: 'erased' | 'closed' }>('/api/visitor/consent/withdraw', {
      method: 'POST',
      token,
      body: { conversationId },
    }),
  payments: (token: string, conversationId: string) =>
    call<{ payments: unknown[] }>(
      `/api/visitor/conversations/${encodeURIComponent(conversationId)}/payments`,
      { token },
    ),
  files: (token: string, conversationId: string) =>
    call<{ files: unknown[] }>(
      `/api/visitor/conversations/${encodeURIComponent(conversationId)}/files`,
      { token },
    ),
  fileLink: (token: string, fileId: string, variant: 'original' | 'thumb') =>
    call<{ url: string }>(
      `/api/visitor/files/${encodeURIComponent(fileId)}/link?variant=${variant}`,
      { token },
    ),
  availability: (orgKey: string, team?: string) =>
    call<Availability>(
      `/api/widget/availability?org=${encodeURIComponent(orgKey)}${team ? `&team=${encodeURIComponent(team)}` : ''}`,
    ),
  leaveMessage: (body: { orgKey: string; name: string; email: string; message: string }) =>
    call<VisitorSession & { conversationId: string }>('/api/visitor/offline-message', {
      method: 'POST',
      body: { ...body, consent: true },
    }),
  continueChat: (orgKey: string, token: string) =>
    call<VisitorSession & { conversationId: string }>('/api/visitor/continue', {
      method: 'POST',
      body: { orgKey, token },
    }),
  rating: (token: string, conversationId: string) =>
    call<{ rating: Rating | null }>(
      `/api/visitor/conversations/${encodeURIComponent(conversationId)}/rating`,
      { token },
    ),
  rate: (token: string, conversationId: string, score: number, comment?: string) =>
    call<{ rating: Rating }>(
      `/api/visitor/conversations/${encodeURIComponent(conversationId)}/rating`,
      { method: 'POST', token, body: { score, ...(comment ? { comment } : {}) } },
    ),
  transcript: (token: string, conversationId: string, email: string) =>
    call<{ queued: true; duplicate: boolean }>(
      `/api/visitor/conversations/${encodeURIComponent(conversationId)}/transcript`,
      { method: 'POST', token, body: { email } },
    ),
  payLink: (token: string, conversationId: string, paymentId: string) =>
    call<PayLink>(
      `/api/visitor/conversations/${encodeURIComponent(conversationId)}/payments/${encodeURIComponent(paymentId)}/link`,
      { method: 'POST', token, body: {} },
    ),
};
