/** Bodies the pay page sends. Amount and currency are never read from here. */
import { z } from 'zod';

export const ConfirmSchema = z.object({
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
export type ConfirmInput = z.infer<typeof ConfirmSchema>;

export const ChallengeSchema = z.object({ approve: z.boolean() });
