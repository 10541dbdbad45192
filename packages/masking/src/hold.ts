// Split cards, fail safe. Every run of digits that the single-message scan left
// in clear and that could be a piece of a card split over several messages is
// held: shown masked until the sender's later messages decide it. What decides
// it is the sender's state, which holds no digit (see hold-luhn.ts), so the
// caller can store it durably with the message and share it between nodes.
// Losing the originals of held pieces (a restart, another node) leaves them
// masked for good; it never shows them.
//
// This file decides; its parts: hold-state.ts (the state and its storage form), hold-pieces.ts (which
// runs of digits are candidate pieces), hold-render.ts (the text shown with pieces held).
import { completingPieces, summarise } from './hold-luhn';
import { maskDense } from './dense';
import { candidates, bullets } from './hold-pieces';
import type { Candidate } from './hold-pieces';
import { renderHeld } from './hold-render';
import type { HeldRange } from './hold-render';
import {
  EMPTY_SENDER_STATE,
  HOLD_WINDOW,
  isEmptyState,
  MAX_PIECES,
  sameState,
  sealAll,
} from './hold-state';
import type { PieceState, SenderMaskState } from './hold-state';
import { BARE, prefilter } from './prefilter';
import { finish, prepareUnlessDense } from './scan';
import type { Compiled, Finished } from './scan';
import type { Finding } from './types';

export { EMPTY_SENDER_STATE, HOLD_WINDOW, isEmptyState, parseSenderState } from './hold-state';
export type { PieceState, SenderMaskState } from './hold-state';
export { renderHeld } from './hold-render';
export type { HeldRange } from './hold-render';

export interface HoldResult {
  /** The text to store and show: secrets masked, pieces held. */
  readonly text: string;
  readonly findings: Finding[];
  readonly state: SenderMaskState;
  /** Whether `state` differs from the state given (it must then be stored with the message). */
  readonly changed: boolean;
  /**
   * The text with its secrets masked but its pieces in clear: what `text` becomes once every piece
   * is released. It may hold part of a card: keep it in memory only, never store, log or send it.
   */
  readonly unheld: string;
  /** Findings of `unheld` (offsets in it): the secrets masked, not the pieces. */
  readonly unheldFindings: readonly Finding[];
  /** Every candidate piece of this message, hidden or not (a lone number word is shown). */
  readonly ranges: readonly HeldRange[];
  /** Ids of the pieces of this message that `text` shows masked. */
  readonly hidden: readonly string[];
  /** Earlier pieces now known to be part of a card (their messages stay masked). */
  readonly cards: readonly string[];
  /** Earlier pieces now known to be no part of a card: their messages may show them. */
  readonly released: readonly string[];
}

const SHOWS_DIGIT = /[^• ]/;
const SHOWS_DIGITS = /[^• ]/g;

/**
 * A dense text (dense.ts) from a sender: every digit hidden for good; every piece of the sender
 * still pending, and every piece of the sender's next HOLD_WINDOW messages, is never released (the
 * dense text may hold the start of a card they end, and it was not searched piece by piece).
 */
function maskDenseWithState(
  text: string,
  c: Compiled,
  state: SenderMaskState,
  n: number,
): HoldResult {
  const r = maskDense(text, c);
  const kept = state.pieces.filter((x) => n - x.at < HOLD_WINDOW);
  const next: SenderMaskState = {
    n,
    afterCard: 2,
    afterPanEnd: true,
    pieces: sealAll(kept),
    sealUntil: n + HOLD_WINDOW,
  };
  return {
    text: r.text,
    findings: r.findings,
    state: next,
    changed: true,
    unheld: r.text,
    unheldFindings: r.findings,
    ranges: [],
    hidden: [],
    cards: [],
    released: [],
  };
}

/** The result for a message with no digit and nothing pending: unchanged, nothing held. */
function quietResult(text: string, state: SenderMaskState, n: number): HoldResult {
  return {
    text,
    findings: [],
    state: (state.sealUntil ?? 0) > n ? { ...state, n } : EMPTY_SENDER_STATE,
    changed: (state.sealUntil ?? 0) > n,
    unheld: text,
    unheldFindings: [],
    ranges: [],
    hidden: [],
    cards: [],
    released: [],
  };
}

/** What deciding a message's candidates leaves: the sender's pieces and this message's ranges. */
interface Decided {
  readonly pieces: PieceState[];
  readonly ranges: HeldRange[];
  readonly hidden: Set<string>;
  /** Earlier (or this message's) pieces now known to be part of a card. */
  readonly cards: Set<string>;
  /** Held last fours of whole cards: reported as `pan`, though not (yet) known parts of a split card. */
  readonly shownAsCard: Set<string>;
  sawCard: boolean;
}

/**
 * A message with more pieces than the state keeps is not searched piece by piece (cost): every
 * piece of it, and every piece of the sender still pending, stays masked for good; its last pieces
 * are kept, as parts of a card, so that a later piece joining them is hidden too.
 */
function holdFlood(
  found: readonly Candidate[],
  d: Decided,
  done: Finished,
  text: string,
  n: number,
  newId: () => string,
): void {
  const { pieces } = d;
  pieces.splice(0, pieces.length, ...sealAll(pieces));
  for (const cand of found) {
    const id = newId();
    pieces.push({ id, at: n, ...summarise(cand.digits), sealed: true });
    if (pieces.length > MAX_PIECES) pieces.shift();
    const first = cand.units[0];
    const last = cand.units[cand.units.length - 1];
    if (cand.claimed || first === undefined || last === undefined) continue;
    d.ranges.push({
      id,
      start: done.map(first.start),
      end: done.map(last.end),
      render: bullets(cand.units, text),
    });
    d.hidden.add(id);
  }
}

/** Decides one candidate piece against the sender's pieces so far (see `maskWithState`). */
function holdCandidate(
  cand: Candidate,
  d: Decided,
  done: Finished,
  text: string,
  n: number,
  sealing: boolean,
  id: string,
): void {
  const { pieces } = d;
  const summary = summarise(cand.digits);
  const { found: complete, used } = completingPieces(pieces, summary);
  if (complete) {
    d.sawCard = true;
    // The pieces a card was found in, and every piece between them: a card's true pieces may
    // form a shorter Luhn-valid number by chance while skipping one of its own.
    const from = used.size > 0 ? Math.min(...used) : pieces.length;
    for (let i = from; i < pieces.length; i += 1) {
      const earlier = pieces[i];
      if (earlier === undefined) continue;
      if (earlier.card !== true) pieces[i] = { ...earlier, card: true };
      d.cards.add(earlier.id);
    }
  }
  // A whole card the scan found at the end of the message: its shown last four are held until
  // no later piece extends it (see below), so it is not marked a card yet (that would hold it
  // for good); a later piece that joins it marks it.
  const heldEnd =
    cand.claimed &&
    used.size === 0 &&
    done.endsWithPan &&
    cand.digits.length < 19 &&
    (cand.pans ?? []).some((x) => SHOWS_DIGIT.test(x.render));
  pieces.push({
    id,
    at: n,
    ...summary,
    ...(complete && !heldEnd ? { card: true as const } : sealing ? { sealed: true as const } : {}),
  });
  const first = cand.units[0];
  const last = cand.units[cand.units.length - 1];
  if (first === undefined || last === undefined) return;
  // A split card shows none of its digits: a later piece may still extend it, so which four are
  // its last is never sure.
  if (cand.claimed) {
    // A card the scan found shows its last four; when it ends the message and is shorter than
    // 19 digits the next message may extend it, and those four would not be its last. They are
    // held like a piece: shown only once no later piece joins it (released), never if one does.
    if (heldEnd)
      for (const claim of cand.pans ?? []) {
        if (!SHOWS_DIGIT.test(claim.render)) continue;
        const start = done.map(claim.start);
        if (done.text.slice(start, start + claim.render.length) !== claim.render) continue;
        d.ranges.push({
          id,
          start,
          end: start + claim.render.length,
          render: claim.render.replace(SHOWS_DIGITS, '•'),
        });
        d.hidden.add(id);
        d.shownAsCard.add(id);
      }
    return; // masked by the scan already, for good
  }
  const render = bullets(cand.units, text);
  d.ranges.push({ id, start: done.map(first.start), end: done.map(last.end), render });
  if (cand.held || complete) d.hidden.add(id);
}

/**
 * Masks one message of a sender given that sender's state in the conversation: the scan of
 * `maskText`, then every piece of a card split over messages held (see the file comment).
 * `newId` names new pieces (unique within the conversation).
 */
export function maskWithState(
  text: string,
  c: Compiled,
  state: SenderMaskState,
  newId: () => string,
): HoldResult {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  if (text.length > c.maxTextLength) throw new RangeError('text exceeds maxTextLength');
  const n = state.n + 1;
  const sealing = (state.sealUntil ?? 0) >= n;
  const bare = prefilter(text, c) === BARE;
  // The common message: no digit, no digit word, nothing pending for the sender.
  if (bare && state.pieces.length === 0 && state.afterCard === 0 && !state.afterPanEnd)
    return quietResult(text, state, n);
  const p = bare ? { text, chains: [], claims: [], digits: 0 } : prepareUnlessDense(text, c);
  if (p === undefined) return maskDenseWithState(text, c, state, n);
  const done: Finished = bare
    ? { text, findings: [], map: (o) => o, claims: [], hadCard: false, endsWithPan: false }
    : finish(p, c, { afterCard: state.afterCard > 0, afterPanEnd: state.afterPanEnd });

  // Pieces out of the window are decided: no later message can join them.
  const released: string[] = [];
  const kept: PieceState[] = [];
  for (const piece of state.pieces) {
    if (n - piece.at >= HOLD_WINDOW) {
      if (piece.card !== true && piece.sealed !== true) released.push(piece.id);
    } else kept.push(piece);
  }

  const found = c.on.pan ? candidates(text, p.chains, done.claims, kept.length > 0) : [];
  const d: Decided = {
    pieces: [...kept],
    ranges: [],
    hidden: new Set(),
    cards: new Set(),
    shownAsCard: new Set(),
    sawCard: false,
  };
  const flood = found.length > MAX_PIECES;
  if (flood) holdFlood(found, d, done, text, n, newId);
  else for (const cand of found) holdCandidate(cand, d, done, text, n, sealing, newId());
  const { pieces, cards } = d;
  while (pieces.length > MAX_PIECES) pieces.shift(); // dropped unreleased: masked for good

  const cardIds = new Set([
    ...cards,
    ...d.shownAsCard,
    ...pieces.filter((x) => x.card === true).map((x) => x.id),
  ]);
  const shown = renderHeld(done.text, d.ranges, d.hidden, done.findings, cardIds);
  const next: SenderMaskState = {
    n,
    afterCard: done.hadCard || d.sawCard ? 2 : Math.max(0, state.afterCard - 1),
    afterPanEnd: done.endsWithPan,
    pieces: pieces.map((x) => (cards.has(x.id) && x.card !== true ? { ...x, card: true } : x)),
    ...(flood ? { sealUntil: n + HOLD_WINDOW } : sealing ? { sealUntil: state.sealUntil } : {}),
  };
  // A state with no piece and nothing pending need not be stored: the next message starts afresh.
  const changed = !(sameState(state, next) && released.length === 0);
  return {
    text: shown.text,
    findings: shown.findings,
    state: isEmptyState(next) ? EMPTY_SENDER_STATE : next,
    changed,
    unheld: done.text,
    unheldFindings: done.findings,
    ranges: d.ranges,
    hidden: [...d.hidden],
    cards: [...cards].filter((id) => state.pieces.some((x) => x.id === id)),
    released,
  };
}
