// Split cards, fail safe. Every run of digits that the single-message scan left
// in clear and that could be a piece of a card split over several messages is
// held: shown masked until the sender's later messages decide it. What decides
// it is the sender's state, which holds no digit (see hold-luhn.ts), so the
// caller can store it durably with the message and share it between nodes.
// Losing the originals of held pieces (a restart, another node) leaves them
// masked for good; it never shows them.
import type { Claim } from './claims';
import { completingPieces, summarise } from './hold-luhn';
import type { LuhnSummary } from './hold-luhn';
import { maskDense } from './dense';
import { BARE, prefilter } from './prefilter';
import { finish, prepareUnlessDense } from './scan';
import type { Compiled, Finished } from './scan';
import type { Chain, Unit } from './tokens';
import type { Finding } from './types';

/**
 * A piece stays joinable for this many messages of its sender, its own included: six pieces of a
 * card with up to ten other messages of the sender among them.
 */
export const HOLD_WINDOW = 16;
/** Pieces kept per sender; the oldest beyond this stay masked for good. */
const MAX_PIECES = 24;

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

/** Where a held piece of this message sits in `unheld`, and its masked form. */
export interface HeldRange {
  readonly id: string;
  readonly start: number;
  readonly end: number;
  readonly render: string;
}

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

// Dates with a real day and month (either order) and a year of this era; amounts up to 9,999,999:
// a shape that carries more digits would carry a card past the hold (issue 9: "55/55/5555" then
// "55/55/4444", or "$5,555,555,555,554,444", were shown whole).
const DAY = '(?:0?[1-9]|[12]\\d|3[01])';
const MONTH = '(?:0?[1-9]|1[0-2])';
const YEAR = '(?:19\\d{2}|20\\d{2}|\\d{2})';
const DATE = new RegExp(
  `^(?:${DAY}([/.-])${MONTH}\\1${YEAR}|${MONTH}([/.-])${DAY}\\2${YEAR}|(?:19|20)\\d{2}-${MONTH}-${DAY})$`,
);
const TIME = /^\d{1,2}:\d{2}(?::\d{2})?$/;
const AMOUNT = /^\d{1,3}(?:[,.' ]\d{3}){0,2}(?:[.,]\d{2})?$|^\d{1,7}(?:[.,]\d{2})?$/;
const CURRENCY_BEFORE = /(?:[$€£¥₹₽₩]|\b(?:EUR|USD|GBP|CHF|JPY|CAD|AUD|INR))\s?$/i;
const CURRENCY_AFTER =
  /^\s?(?:[$€£¥₹]|(?:EUR|USD|GBP|CHF|JPY|CAD|AUD|INR|euros?|dollars?|pounds?|francs?)\b)/i;

function isbn13(digits: string): boolean {
  if (digits.length !== 13 || !/^97[89]/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 13; i += 1) sum += (digits.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 3);
  return sum % 10 === 0;
}

/**
 * Shapes that are no piece of a card whatever comes next: a date, a time, an amount of money, an
 * ISBN-13 written with hyphens. A phone number with its country code is a piece (issue 9, open
 * class 3: "+4242 4242" then "4242 4242" showed the card's first eight digits): it is held like any
 * number until released. `_pending`: the sender has an undecided piece (kept for the callers).
 */
function notAPiece(text: string, chain: Chain, units: readonly Unit[], _pending: boolean): boolean {
  const first = units[0];
  const last = units[units.length - 1];
  if (first === undefined || last === undefined) return true;
  const raw = text.slice(first.start, last.end);
  if (!/^[0-9.,:/' ()-]+$/.test(raw)) return false; // words, other scripts: judged as digits
  const digits = units.map((u) => u.digits).join('');
  // A "+" does not make the digits a phone number that no card can start: a card's first piece
  // can be written so, and its first eight digits then showed (held path, issue 9).
  if (first === chain.units[0] && chain.plusBefore) return false;
  if (raw.includes('(')) return false;
  if (DATE.test(raw) || TIME.test(raw)) return true;
  const before = text.slice(Math.max(0, first.start - 4), first.start);
  const after = text.slice(last.end, last.end + 9);
  if (AMOUNT.test(raw) && (CURRENCY_BEFORE.test(before) || CURRENCY_AFTER.test(after))) return true;
  if (/^\d{1,7}[.,]\d{2}$/.test(raw)) return true;
  const isbnBefore = /ISBN(?:-13)?:?\s?$/i.test(
    text.slice(Math.max(0, first.start - 10), first.start),
  );
  return (raw.includes('-') || isbnBefore) && isbn13(digits);
}

/**
 * A lone number word among words ("two tickets"): shown, but still counted as a piece. A word is
 * letters: a lone circled or superscript digit ("②", "²") is a digit, held like "2" (issue 9: a
 * one-digit piece so written was shown).
 */
function loneWord(text: string, units: readonly Unit[]): boolean {
  const u = units[0];
  return (
    units.length === 1 &&
    u !== undefined &&
    u.digits.length === 1 &&
    /^\P{N}*$/u.test(text.slice(u.start, u.end)) &&
    /\p{L}/u.test(text.slice(u.start, u.end))
  );
}

interface Candidate {
  readonly units: readonly Unit[];
  readonly digits: string;
  /** Shown masked until decided (false: a lone number word, shown but still counted). */
  readonly held: boolean;
  /** Already masked for good by the scan (a card, or a CVV or expiry read from its shape). */
  readonly claimed: boolean;
  /** The scan's card claims over a claimed candidate (to hold the digits they show). */
  readonly pans?: readonly Claim[];
}

/**
 * The first claim (in `claims` order) overlapping a span, for spans asked in order of start: a sweep
 * over the claims sorted once, not a search of every claim per unit (thousands of units and claims
 * in one 16 KiB message made that quadratic).
 */
function claimFinder(
  claims: readonly Claim[],
): (u: { start: number; end: number }) => Claim | undefined {
  if (claims.length === 0) return () => undefined;
  const order = claims.map((x, k) => ({ x, k })).sort((a, b) => a.x.start - b.x.start);
  const open: Array<{ x: Claim; k: number }> = [];
  let j = 0;
  let lastStart = -1;
  return (u) => {
    if (u.start < lastStart) {
      j = 0; // asked out of order (another chain list): start again
      open.length = 0;
    }
    lastStart = u.start;
    while (j < order.length && (order[j]?.x.start ?? Infinity) < u.end)
      open.push(order[j++] as { x: Claim; k: number });
    let best: { x: Claim; k: number } | undefined;
    for (let i = open.length - 1; i >= 0; i -= 1) {
      const o = open[i] as { x: Claim; k: number };
      if (o.x.end <= u.start) {
        open.splice(i, 1); // ends before this span, so before every later one
        continue;
      }
      if (best === undefined || o.k < best.k) best = o;
    }
    return best?.x;
  };
}

/**
 * Runs of chain units the scan left unclaimed, each a candidate piece of a split card; and, already
 * masked, the cards it found and the CVVs and expiry dates it read from their shape alone after a
 * card: earlier pieces may be the start of the same card (a card and its rest can each pass Luhn).
 */
function candidates(
  text: string,
  chains: readonly Chain[],
  claims: readonly Claim[],
  pending: boolean,
): Candidate[] {
  const out: Candidate[] = [];
  const claimAt = claimFinder(claims);
  for (const chain of chains) {
    let run: Unit[] = [];
    let shaped: Unit[] = [];
    let pans: Claim[] = [];
    const flush = (): void => {
      if (run.length > 0 && !notAPiece(text, chain, run, pending)) {
        const digits = run.map((u) => u.digits).join('');
        if (digits.length > 0)
          out.push({ units: run, digits, held: !loneWord(text, run), claimed: false });
      }
      if (shaped.length > 0) {
        const digits = shaped.map((u) => u.digits).join('');
        out.push({ units: shaped, digits, held: false, claimed: true, pans });
      }
      run = [];
      shaped = [];
      pans = [];
    };
    for (const u of chain.units) {
      const claim = claimAt(u);
      if (claim === undefined) {
        if (shaped.length > 0) flush();
        run.push(u);
      } else if (claim.shape === true || (claim.type === 'pan' && claim.echo !== true)) {
        if (run.length > 0) flush();
        shaped.push(u);
        if (claim.type === 'pan' && !pans.includes(claim)) pans.push(claim);
      } else flush();
    }
    flush();
  }
  return out;
}

/**
 * Renders `unheld` with the pieces in `hidden` masked, and moves `findings` to match; a hidden
 * piece is reported as `pan` when it is in `cards` (part of a card), else as `held`.
 */
export function renderHeld(
  unheld: string,
  ranges: readonly HeldRange[],
  hidden: ReadonlySet<string>,
  findings: readonly Finding[] = [],
  cards: ReadonlySet<string> = new Set(),
): { text: string; findings: Finding[] } {
  const sorted = ranges.filter((r) => hidden.has(r.id)).sort((a, b) => a.start - b.start);
  let text = '';
  let pos = 0;
  let delta = 0;
  const shifts: Array<{ at: number; delta: number }> = [];
  const held: Finding[] = [];
  for (const r of sorted) {
    text += unheld.slice(pos, r.start);
    const type = cards.has(r.id) ? 'pan' : 'held';
    held.push({ type, start: text.length, end: text.length + r.render.length });
    text += r.render;
    delta += r.render.length - (r.end - r.start);
    shifts.push({ at: r.end, delta });
    pos = r.end;
  }
  text += unheld.slice(pos);
  const move = (o: number): number => {
    // the last shift at or before o (shifts are in order): a binary search, not a scan per finding
    let lo = 0;
    let hi = shifts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((shifts[mid]?.at ?? 0) <= o) lo = mid + 1;
      else hi = mid;
    }
    return o + (lo > 0 ? (shifts[lo - 1]?.delta ?? 0) : 0);
  };
  // A finding inside a hidden range (the card whose shown last four are held) is the range's now.
  const inside = (f: Finding): boolean => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid]?.start ?? 0) <= f.start) lo = mid + 1;
      else hi = mid;
    }
    const r = sorted[lo - 1];
    return r !== undefined && f.end <= r.end;
  };
  const moved = findings
    .filter((f) => !inside(f))
    .map((f) => ({ type: f.type, start: move(f.start), end: move(f.end) }));
  return { text, findings: [...moved, ...held].sort((a, b) => a.start - b.start) };
}

const SHOWS_DIGIT = /[^• ]/;
const SHOWS_DIGITS = /[^• ]/g;

/** The piece's text with each digit (or digit word) as one bullet and its separators kept. */
function bullets(units: readonly Unit[], text: string): string {
  const first = units[0];
  if (first === undefined) return '';
  let out = '';
  let pos = first.start;
  for (const u of units) {
    out += text.slice(pos, u.start) + '•'.repeat(u.digits.length);
    pos = u.end;
  }
  return out;
}

/** Every piece marked never to be shown (a card's pieces stay as they are). */
function sealAll(pieces: readonly PieceState[]): PieceState[] {
  return pieces.map((x) => (x.card === true || x.sealed === true ? x : { ...x, sealed: true }));
}

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

/** Two states that need no storing between them: no piece in either, the same flags. */
function sameState(a: SenderMaskState, b: SenderMaskState): boolean {
  return (
    (a.sealUntil ?? 0) === (b.sealUntil ?? 0) &&
    a.afterCard === b.afterCard &&
    a.afterPanEnd === b.afterPanEnd &&
    a.pieces.length === 0 &&
    b.pieces.length === 0
  );
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
  const p = bare ? { text, chains: [], claims: [], digits: 0 } : prepareUnlessDense(text, c);
  if (p === undefined) return maskDenseWithState(text, c, state, n);
  const done: Finished = bare
    ? {
        text,
        findings: [],
        map: (o) => o,
        claims: [],
        hadCard: false,
        endsWithPan: false,
      }
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
  const cards = new Set<string>();
  const ranges: HeldRange[] = [];
  const hidden = new Set<string>();
  const pieces: PieceState[] = [...kept];
  let sawCard = false;
  /** Held last fours of whole cards: reported as `pan`, though not (yet) known parts of a split card. */
  const shownAsCard = new Set<string>();
  // A message with more pieces than the state keeps is not searched piece by piece (cost): every
  // piece of it, and every piece of the sender still pending, stays masked for good; its last pieces
  // are kept, as parts of a card, so that a later piece joining them is hidden too.
  const flood = found.length > MAX_PIECES;
  if (flood) pieces.splice(0, pieces.length, ...sealAll(pieces));
  for (const cand of found) {
    if (flood) {
      const id = newId();
      pieces.push({ id, at: n, ...summarise(cand.digits), sealed: true });
      if (pieces.length > MAX_PIECES) pieces.shift();
      const first = cand.units[0];
      const last = cand.units[cand.units.length - 1];
      if (cand.claimed || first === undefined || last === undefined) continue;
      ranges.push({
        id,
        start: done.map(first.start),
        end: done.map(last.end),
        render: bullets(cand.units, text),
      });
      hidden.add(id);
      continue;
    }
    const summary = summarise(cand.digits);
    const { found: complete, used } = completingPieces(pieces, summary);
    const id = newId();
    if (complete) {
      sawCard = true;
      // The pieces a card was found in, and every piece between them: a card's true pieces may
      // form a shorter Luhn-valid number by chance while skipping one of its own.
      const from = used.size > 0 ? Math.min(...used) : pieces.length;
      for (let i = from; i < pieces.length; i += 1) {
        const earlier = pieces[i];
        if (earlier === undefined) continue;
        if (earlier.card !== true) pieces[i] = { ...earlier, card: true };
        cards.add(earlier.id);
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
      ...(complete && !heldEnd
        ? { card: true as const }
        : sealing
          ? { sealed: true as const }
          : {}),
    });
    const first = cand.units[0];
    const last = cand.units[cand.units.length - 1];
    if (first === undefined || last === undefined) continue;
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
          ranges.push({
            id,
            start,
            end: start + claim.render.length,
            render: claim.render.replace(SHOWS_DIGITS, '•'),
          });
          hidden.add(id);
          shownAsCard.add(id);
        }
      continue; // masked by the scan already, for good
    }
    const render = bullets(cand.units, text);
    ranges.push({ id, start: done.map(first.start), end: done.map(last.end), render });
    if (cand.held || complete) hidden.add(id);
  }
  while (pieces.length > MAX_PIECES) pieces.shift(); // dropped unreleased: masked for good

  const cardIds = new Set([
    ...cards,
    ...shownAsCard,
    ...pieces.filter((x) => x.card === true).map((x) => x.id),
  ]);
  const shown = renderHeld(done.text, ranges, hidden, done.findings, cardIds);
  const next: SenderMaskState = {
    n,
    afterCard: done.hadCard || sawCard ? 2 : Math.max(0, state.afterCard - 1),
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
    ranges,
    hidden: [...hidden],
    cards: [...cards].filter((id) => state.pieces.some((x) => x.id === id)),
    released,
  };
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
