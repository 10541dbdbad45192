/** Same-origin JSON calls to the vault; the session cookie rides along. */
// Types only: the schemas stay out of the page's bundle.
import type { PayConfirmBody, PayIntentView, PayPageView as PageView } from '@parley/protocol';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function call<T = PageView>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = (await res.json().catch(() => ({}))) as Partial<T> & {
    error?: { code: string; message: string };
  };
  if (!res.ok)
    throw new ApiError(
      data.error?.code ?? 'internal_error',
      data.error?.message ?? 'Something went wrong.',
      res.status,
    );
  return data as T;
}

export function apiFor(paymentId: string) {
  const base = `/pay/p/${encodeURIComponent(paymentId)}/api`;
  return {
    details: () => call(`${base}/details`),
    confirm: (body: PayConfirmBody) => call(`${base}/confirm`, body),
    challenge: (approve: boolean) => call(`${base}/challenge`, { approve }),
    /** Hosted processors: one attempt per key; the answer carries the client secret. */
    intent: (idempotencyKey: string) => call<PayIntentView>(`${base}/intent`, { idempotencyKey }),
    sync: () => call(`${base}/sync`, {}),
    /** Braintree: the nonce of this attempt's Hosted Fields; the vault charges the stored amount. */
    nonce: (idempotencyKey: string, nonce: string) =>
      call(`${base}/nonce`, { idempotencyKey, nonce }),
  };
}
