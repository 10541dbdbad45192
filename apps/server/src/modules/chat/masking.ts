import type { HeldRange, SenderMaskState } from '@parley/masking';

/** A message masked against its sender's state (see packages/masking/src/hold.ts). */
export interface MaskedMessage {
  /** What is stored and sent: secrets masked, possible pieces of a split card held. */
  text: string;
  /** Kinds of secret found (never their values); `held` for pieces held until decided. */
  masked: string[];
  state: SenderMaskState;
  /** Whether `state` must be stored with the message. */
  changed: boolean;
  /** The text with its pieces unheld: memory only (it may hold part of a card). */
  unheld: string;
  ranges: readonly HeldRange[];
  hidden: readonly string[];
  /** Earlier pieces now part of a card, and earlier pieces now decided to be none. */
  cards: readonly string[];
  released: readonly string[];
}

/** The server's seam to packages/masking. */
export interface MessageMasker {
  mask(text: string, state: SenderMaskState, orgId: string): MaskedMessage;
  /**
   * Masks a field a person fills in (a name, a payment description). With `holdDigits` (a
   * visitor's name, where digits have no business), digits that could be a piece of a card are
   * hidden for good as well; `state` is what a conversation's masker must know of them.
   */
  maskField(
    text: string,
    orgId: string,
    holdDigits?: boolean,
  ): { text: string; masked: string[]; state: SenderMaskState };
}

/** Kinds of secret in findings, without their values; custom rules are reported as `custom`. */
export function kinds(findings: readonly { type: string }[]): string[] {
  return [...new Set(findings.map((f) => (f.type.startsWith('custom:') ? 'custom' : f.type)))];
}
