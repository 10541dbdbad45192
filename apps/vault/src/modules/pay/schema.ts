/** Bodies the pay page sends (packages/protocol pay.ts). Amount and currency are never read from here. */
export {
  PayConfirmBodySchema as ConfirmSchema,
  PayChallengeBodySchema as ChallengeSchema,
} from '@parley/protocol';
export type { PayConfirmBody as ConfirmInput } from '@parley/protocol';
