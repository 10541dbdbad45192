/** Same-origin JSON calls to the vault; the session cookie rides along. */
// Types only: the schemas stay out of the page's bundle.
import type { PayConfirmBody, PayPageView as PageView } from '@parley/protocol';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function call(path: string, body?: unknown): Promise<PageView> {
  const res = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = (await res.json().catch(() => ({}))) as Partial<PageView> & {
    error?: { code: string; message: string };
  };
  if (!res.ok)
    throw new ApiError(
      data.error?.code ?? 'internal_error',
      data.error?.message ?? 'Something went wrong.',
      res.status,
    );
  return data as PageView;
}

export function apiFor(paymentId: string) {
  const base = `/pay/p/${encodeURIComponent(paymentId)}/api`;
  return {
    details: () => call(`${base}/details`),
    confirm: (body: PayConfirmBody) => call(`${base}/confirm`, body),
    challenge: (approve: boolean) => call(`${base}/challenge`, { approve }),
  };
}
