import { z } from 'zod';
import { PaymentStatusSchema } from './payments';

/**
 * The pay window's API on the vault (`/pay/p/:id/api/*`, docs/vault.md): what
 * the page sends and the one view it gets back. The page imports the types
 * only, so no schema code reaches its bundle; the vault parses and presents
 * with the schemas.
 */

/** A pending 3-D Secure step: the test gateway's in-page challenge, or a processor's redirect. */
export const GatewayActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('challenge') }),
  z.object({ type: z.literal('redirect'), url: z.url() }),
]);
export type GatewayAction = z.infer<typeof GatewayActionSchema>;

/** `GET details`, and the answer of confirm and challenge. Amount and currency come from the store. */
export const PayPageViewSchema = z.object({
  id: z.string(),
  merchantName: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  description: z.string(),
  status: PaymentStatusSchema,
  brand: z.string().nullable(),
  last4: z.string().nullable(),
  failureCode: z.string().nullable(),
  failureMessage: z.string().nullable(),
  action: GatewayActionSchema.nullable(),
  expiresAt: z.string(),
  /** A hosted processor's browser SDK to mount (SAQ A); null for the test gateway's own form. */
  processor: z
    .object({
      type: z.enum(['stripe', 'braintree']),
      publishableKey: z.string(),
      scriptUrl: z.url(),
      /** Braintree: run 3-D Secure (`threeDSecure.verifyCard`) before handing the nonce over. */
      threeDSecure: z.boolean().optional(),
    })
    .nullable(),
  /** How many attempts were made, and whether another may start (after a decline). */
  attempts: z.number().int(),
  canRetry: z.boolean(),
});
export type PayPageView = z.infer<typeof PayPageViewSchema>;

/** `POST confirm`: the card, straight from the customer's browser to the vault. Never an amount. */
export const PayConfirmBodySchema = z.object({
  number: z.string().max(40),
  expiry: z.string().max(10),
  cvc: z.string().max(8),
  name: z.string().max(200),
  idempotencyKey: z
    .string()
    .min(8)
    .max(255)
    .regex(/^[\x21-\x7e]+$/),
});
export type PayConfirmBody = z.infer<typeof PayConfirmBodySchema>;

/** `POST intent`: starts (or, with the same key, repeats) an attempt with a hosted processor. Never an amount. */
export const PayIntentBodySchema = z
  .object({
    idempotencyKey: z
      .string()
      .min(8)
      .max(255)
      .regex(/^[\x21-\x7e]+$/),
  })
  .strict();
export type PayIntentBody = z.infer<typeof PayIntentBodySchema>;

/** The answer of `POST intent`: the processor's client secret for this attempt, and the view. */
export const PayIntentViewSchema = z.object({
  clientSecret: z.string(),
  /** Where a redirect-based step (some wallets, bank redirects) comes back to. */
  returnUrl: z.string(),
  view: PayPageViewSchema,
});
export type PayIntentView = z.infer<typeof PayIntentViewSchema>;

/**
 * `POST nonce`: Braintree's single-use payment method nonce for the attempt of this key,
 * tokenised in Braintree's Hosted Fields; the vault spends it for the stored amount.
 * Never an amount, never card data.
 */
export const PayNonceBodySchema = z
  .object({
    idempotencyKey: PayIntentBodySchema.shape.idempotencyKey,
    nonce: z
      .string()
      .min(8)
      .max(512)
      .regex(/^[A-Za-z0-9_-]+$/),
  })
  .strict();
export type PayNonceBody = z.infer<typeof PayNonceBodySchema>;

/** `POST challenge`: the test gateway's 3-D Secure answer. */
export const PayChallengeBodySchema = z.object({ approve: z.boolean() });
export type PayChallengeBody = z.infer<typeof PayChallengeBodySchema>;
