import { ParleyError, type VaultCreateRequestInput } from '@parley/protocol';
import { signedFetch } from '@parley/signing';
import { z } from 'zod';
import type { Logger } from '../../logger';
import {
  VaultCreatedSchema,
  VaultErrorSchema,
  VaultLinkSchema,
  VaultPaymentSchema,
  VaultRefundSchema,
  VaultVoidSchema,
  type VaultPayment,
} from './schema';

export interface VaultClientOptions {
  /** Base URL of the vault as the server reaches it, e.g. http://127.0.0.1:8081. */
  url: string;
  /** Signs server → vault calls (the vault's VAULT_SIGNING_SECRET_IN). */
  secret: string;
  timeoutMs?: number;
  log: Logger;
  fetchImpl?: typeof fetch;
}

/** A create call: the protocol's body, with the attempt id always set by the server. */
export type CreateInput = Omit<VaultCreateRequestInput, 'frameAncestors' | 'attemptId'> & {
  attemptId: string;
  expiresInSeconds: number;
};

/**
 * A failed vault call. `uncertain` when the vault may have acted on it (no
 * answer, a 5xx, an unreadable body); `vaultCode` is the vault's own code
 * when it refused.
 */
export class VaultCallError extends ParleyError {
  constructor(
    code: ConstructorParameters<typeof ParleyError>[0],
    readonly uncertain: boolean,
    readonly vaultCode: string | undefined = undefined,
  ) {
    super(code);
  }
}

export type VaultClient = ReturnType<typeof createVaultClient>;

// Vault error codes → registry codes the console can switch on (docs/errors.md).
const MAPPED: Record<string, ConstructorParameters<typeof ParleyError>[0]> = {
  payment_not_found: 'payment_not_found',
  invalid_state: 'invalid_payment_state',
  payment_expired: 'invalid_payment_state',
  payment_in_progress: 'payment_in_progress',
  refund_exceeds_amount: 'refund_exceeds_amount',
  idempotency_conflict: 'conflict',
  gateway_error: 'payment_gateway_error',
};

/**
 * The server's side of the signed server → vault API (docs/vault.md). Every
 * failure becomes a registry error; an unreachable or failing vault is
 * `payment_unavailable`, which is always safe to retry: creates and refunds
 * carry idempotency keys, so a retry never creates or refunds twice.
 */
export function createVaultClient(o: VaultClientOptions) {
  const base = o.url.replace(/\/$/, '');

  async function call<S extends z.ZodType>(
    schema: S,
    method: 'GET' | 'POST',
    path: string,
    json?: unknown,
  ): Promise<z.infer<S>> {
    let res: Response;
    try {
      res = await signedFetch({
        secret: o.secret,
        url: `${base}${path}`,
        method,
        ...(json === undefined ? {} : { json }),
        timeoutMs: o.timeoutMs ?? 10_000,
        ...(o.fetchImpl ? { fetchImpl: o.fetchImpl } : {}),
      });
    } catch (err) {
      // Log the route template and the failure's kind only: never bodies or secrets.
      o.log.warn(
        {
          route: path.replace(/pay_[\w-]+/, ':id'),
          err: err instanceof Error ? err.name : 'unknown',
        },
        'vault unreachable',
      );
      throw new VaultCallError('payment_unavailable', true);
    }
    const data: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const code = VaultErrorSchema.safeParse(data).data?.error.code ?? 'unknown';
      o.log.warn(
        { route: path.replace(/pay_[\w-]+/, ':id'), status: res.status, code },
        'vault refused',
      );
      const mapped = MAPPED[code];
      const uncertain = res.status >= 500;
      if (mapped) throw new VaultCallError(mapped, uncertain, code);
      throw new VaultCallError('payment_unavailable', uncertain, code);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      o.log.error(
        { route: path.replace(/pay_[\w-]+/, ':id') },
        'vault answered an unexpected body',
      );
      throw new VaultCallError('payment_unavailable', true);
    }
    return parsed.data;
  }

  const byId = (id: string) => `/v1/payment-requests/${encodeURIComponent(id)}`;
  return {
    create: (input: CreateInput) =>
      call(VaultCreatedSchema, 'POST', '/v1/payment-requests', { ...input, frameAncestors: [] }),
    /** Voids one create attempt by key (a tombstone the vault honours even if the create comes later). */
    voidAttempt: (idempotencyKey: string, attemptId: string) =>
      call(VaultVoidSchema, 'POST', '/v1/payment-requests/voids', { idempotencyKey, attemptId }),
    get: (id: string): Promise<VaultPayment> => call(VaultPaymentSchema, 'GET', byId(id)),
    cancel: (id: string): Promise<VaultPayment> =>
      call(VaultPaymentSchema, 'POST', `${byId(id)}/cancel`),
    link: (id: string) => call(VaultLinkSchema, 'POST', `${byId(id)}/link`),
    /** Erasure (docs/vault.md POST /v1/erasures): the conversations' payment records anonymised. */
    eraseConversations: async (orgId: string, conversationIds: string[]): Promise<number> => {
      let payments = 0;
      for (let i = 0; i < conversationIds.length; i += 1000)
        payments += (
          await call(z.object({ payments: z.number().int() }), 'POST', '/v1/erasures', {
            orgId,
            conversationIds: conversationIds.slice(i, i + 1000),
          })
        ).payments;
      return payments;
    },
    refund: async (
      id: string,
      input: { amount?: number; idempotencyKey: string },
    ): Promise<VaultPayment> =>
      (await call(VaultRefundSchema, 'POST', `${byId(id)}/refunds`, input)).payment,
  };
}
