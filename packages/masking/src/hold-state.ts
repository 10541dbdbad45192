// The held path's state per sender and conversation: pieces as Luhn summaries, never digits (see
// hold-luhn.ts), so the caller can store it durably with each message and share it between nodes.
import type { LuhnSummary } from './hold-luhn';

/**
 * A piece stays joinable for this many messages of its sender, its own included: six pieces of a
 * card with up to ten other messages of the sender among them.
 */
export const HOLD_WINDOW = 16;
/** Pieces kept per sender; the oldest beyond this stay masked for good. */
export const MAX_PIECES = 24;

/** A piece of digits as the state keeps it: no digit, only its Luhn summary. */
export interface PieceState extends LuhnSummary {
  readonly id: string;
  /** The sender's message count when the piece arrived. */
  readonly at: number;
  /** Part of a card: never shown. */
  readonly card?: true;
  /** Never shown either, though no card was found in it (it came in or near a dense text). */
  readonly sealed?: true;
}

/** Everything the masker remembers of one sender in one conversation. JSON; holds no digit. */
export interface SenderMaskState {
  readonly n: number;
  /** Messages after a card in which a bare CVV or expiry is still read as one. */
  readonly afterCard: number;
  readonly afterPanEnd: boolean;
  readonly pieces: readonly PieceState[];
  /**
   * After a dense text (see dense.ts: not searched piece by piece), the sender's pieces up to this
   * message count are never released: the dense text's last digits may start a card they end.
   */
  readonly sealUntil?: number;
}

export const EMPTY_SENDER_STATE: SenderMaskState = Object.freeze({
  n: 0,
  afterCard: 0,
  afterPanEnd: false,
  pieces: Object.freeze([]),
});

/** Every piece marked never to be shown (a card's pieces stay as they are). */
export function sealAll(pieces: readonly PieceState[]): PieceState[] {
  return pieces.map((x) => (x.card === true || x.sealed === true ? x : { ...x, sealed: true }));
}

/** Two states that need no storing between them: no piece in either, the same flags. */
export function sameState(a: SenderMaskState, b: SenderMaskState): boolean {
  return (
    (a.sealUntil ?? 0) === (b.sealUntil ?? 0) &&
    a.afterCard === b.afterCard &&
    a.afterPanEnd === b.afterPanEnd &&
    a.pieces.length === 0 &&
    b.pieces.length === 0
  );
}

/** Whether `state` is the state of a sender with nothing pending (nothing to store). */
export function isEmptyState(state: SenderMaskState): boolean {
  return (
    state.pieces.length === 0 &&
    state.afterCard === 0 &&
    !state.afterPanEnd &&
    (state.sealUntil ?? 0) <= state.n
  );
}

/** Parses a stored state; anything unreadable becomes a state that releases nothing. */
export function parseSenderState(json: string | null | undefined): SenderMaskState {
  if (json === null || json === undefined || json === '') return EMPTY_SENDER_STATE;
  const v = JSON.parse(json) as Partial<SenderMaskState>;
  if (typeof v.n !== 'number' || !Array.isArray(v.pieces)) throw new TypeError('bad mask state');
  return {
    n: v.n,
    afterCard: typeof v.afterCard === 'number' ? v.afterCard : 0,
    afterPanEnd: v.afterPanEnd === true,
    pieces: v.pieces,
    ...(typeof v.sealUntil === 'number' ? { sealUntil: v.sealUntil } : {}),
  };
}
