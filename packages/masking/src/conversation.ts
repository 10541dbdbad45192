// Per-conversation masking: catches a card split over consecutive messages of
// one sender, and an expiry or CVV that arrives in the message after a card.
import type { Claim } from './claims';
import { applyClaims } from './claims';
import { luhnValid } from './digits';
import { renderPanPiece } from './pan';
import type { PanWindow } from './pan';
import { maskDense } from './dense';
import { BARE, prefilter } from './prefilter';
import { cardWindows, compileOptions, finish, prepareUnlessDense } from './scan';
import type { Compiled, Finished, Prepared } from './scan';
import type { Unit } from './tokens';
import type { Finding, MaskOptions, ProcessResult, Redaction } from './types';

/** Earlier messages a card may span: a card in up to four messages. */
const MAX_EARLIER = 3;
/** Digits kept from the end of an earlier message; a card has at most 19. */
const MAX_TAIL_DIGITS = 19;
const MAX_SENDERS = 16;
const identity = (o: number): number => o;

interface Kept<R> {
  readonly ref: R;
  text: string;
  findings: Finding[];
  /** Unmasked digit units at the very end of `text` (offsets in `text`), or empty. */
  tail: Unit[];
  /** The whole message is one run of digits, so a card may reach past it. */
  whole: boolean;
  /** Digits of each piece claimed in this message by the current call (cleared after). */
  readonly tailDigits: Map<Claim, string>;
}

interface SenderState<R> {
  kept: Array<Kept<R>>;
  afterCard: number;
  afterPanEnd: boolean;
}

export interface ConversationMasker<R> {
  /** Masks one message; `ref` comes back in `redacted` when this message's text must later be replaced. */
  process(sender: string, text: string, ref: R): ProcessResult<R>;
}

function capTail(units: readonly Unit[]): Unit[] {
  const out: Unit[] = [];
  let digits = 0;
  for (let i = units.length - 1; i >= 0; i -= 1) {
    const u = units[i];
    if (u === undefined || digits + u.digits.length > MAX_TAIL_DIGITS) break;
    digits += u.digits.length;
    out.unshift(u);
  }
  return out;
}

/**
 * Whether the earlier messages' part of a window (from its first digit to a message boundary) is
 * itself Luhn-valid: a card followed by its CVV or expiry can pass Luhn together, and then which
 * four digits are the last is unsure.
 */
function completeBefore<R>(
  units: readonly Unit[],
  owners: ReadonlyArray<Kept<R> | undefined>,
  w: PanWindow,
): boolean {
  let acc = '';
  for (let i = w.lead; i < w.to; i += 1) {
    acc += units[i]?.digits ?? '';
    if (owners[i + 1] !== owners[i] && acc.length >= 12 && luhnValid(acc)) return true;
  }
  return false;
}

/**
 * Card windows over the joined units that end in this message. Windows are taken greedily from the
 * left, so digits before a card (a first card already hidden, its CVV) can form a Luhn-valid window
 * by chance that uses up the start of a second card split across messages, whose rest then stays
 * visible. So the search starts at each message boundary in turn, and the start whose windows cover
 * the most digits of this message wins (the earliest on a tie).
 */
function pickWindows<R>(
  units: readonly Unit[],
  owners: ReadonlyArray<Kept<R> | undefined>,
  claims: readonly Claim[],
): PanWindow[] {
  let best: PanWindow[] = [];
  let bestCover = -1;
  for (let s = 0; s < units.length; s += 1) {
    if (s > 0 && owners[s] === owners[s - 1]) continue;
    const from = s;
    const sub = units.slice(from);
    const current = (i: number): boolean => owners[i + from] === undefined;
    // Only windows that end in this message: one lying wholly in earlier messages (the card they
    // already hid) must not use up their digits.
    const windows = cardWindows(sub, false, claims, current, current);
    let cover = 0;
    for (const w of windows)
      for (let i = w.lead; i <= w.to; i += 1) if (current(i)) cover += sub[i]?.digits.length ?? 0;
    if (cover > bestCover) {
      bestCover = cover;
      best =
        from === 0
          ? windows
          : windows.map((w) => ({
              ...w,
              from: w.from + from,
              to: w.to + from,
              lead: w.lead + from,
            }));
    }
    if (owners[s] === undefined) break; // this message's own units: nothing later to try
  }
  return best;
}

/** Joins earlier tails with this message's leading run and claims cards that span messages. */
function crossMessage<R>(
  p: Prepared,
  c: Compiled,
  state: SenderState<R>,
  redactions: Map<Kept<R>, Claim[]>,
): void {
  const lead = p.chains[0];
  if (!c.on.pan || lead?.leading !== true || state.kept.length === 0) return;
  const parts: Array<{ owner: Kept<R> | undefined; units: readonly Unit[] }> = [
    { owner: undefined, units: lead.units },
  ];
  for (let k = state.kept.length - 1; k >= 0; k -= 1) {
    const kept = state.kept[k];
    if (kept === undefined || kept.tail.length === 0) break;
    parts.unshift({ owner: kept, units: kept.tail });
    if (!kept.whole) break;
  }
  if (parts.length < 2) return;
  const units: Unit[] = [];
  const owners: Array<Kept<R> | undefined> = [];
  for (const part of parts)
    part.units.forEach((u, i) => {
      units.push(i === 0 ? { ...u, gap: 0 } : u);
      owners.push(part.owner);
    });
  for (const w of pickWindows(units, owners, p.claims)) {
    if (owners[w.lead] === undefined) continue; // not across messages
    const digits = w.leadDigits + w.digits;
    const display =
      w.leadDigits === '' && !w.ambiguous && !completeBefore(units, owners, w)
        ? c.panDisplay
        : 'none';
    let offset = 0;
    let i = w.lead;
    while (i <= w.to) {
      const owner = owners[i];
      let j = i;
      let count = 0;
      while (j <= w.to && owners[j] === owner) count += units[j++]?.digits.length ?? 0;
      const first = units[i];
      const last = units[j - 1];
      if (first !== undefined && last !== undefined) {
        const claim: Claim = {
          start: first.start,
          end: last.end,
          type: 'pan',
          render: renderPanPiece(digits, offset, count, display),
        };
        if (owner === undefined) p.claims.push(claim);
        else {
          redactions.set(owner, [...(redactions.get(owner) ?? []), claim]);
          owner.tailDigits.set(claim, digits.slice(offset, offset + count));
        }
      }
      offset += count;
      i = j;
    }
  }
}

/**
 * Claims whose digits a later message may still extend into a card: cards and card pieces, SSN
 * shapes (checked for dashes in `tailOf`), and a CVV or expiry read from its shape only (after a
 * card, the next digits may as well be the first piece of another card).
 */
function joinable(x: Claim): boolean {
  return x.echo !== true && (x.type === 'pan' || x.type === 'ssn' || x.shape === true);
}

/**
 * The digit units at the end of a processed message, in its masked text: free
 * digits as they are, and each card (or card piece) masked there as one unit
 * holding its digits, so that a later message can still extend it.
 */
function tailOf(p: Prepared, done: Finished): Unit[] {
  const chain = p.chains[p.chains.length - 1];
  if (chain?.trailing !== true) return [];
  const units = chain.units;
  const out: Unit[] = [];
  let i = units.length - 1;
  let kept = 0; // digits collected: capTail keeps at most MAX_TAIL_DIGITS, so stop past them (linear cost)
  while (i >= 0 && kept <= MAX_TAIL_DIGITS) {
    const u = units[i] as Unit;
    kept += u.digits.length;
    const claim = done.claims.find((x) => x.start < u.end && u.start < x.end);
    if (claim === undefined) {
      out.unshift({ ...u, start: done.map(u.start), end: done.map(u.end), gap: 0 });
      i -= 1;
      continue;
    }
    if (!joinable(claim)) break;
    let digits = '';
    let tight = false;
    while (i >= 0 && (units[i]?.start ?? -1) >= claim.start && (units[i]?.end ?? -1) <= claim.end) {
      const inside = units[i] as Unit;
      // An SSN written with dashes is no piece of a card (cards are not grouped 3-2-4 with "-").
      if (inside.gap !== 0 && (units[i - 1]?.start ?? -1) >= claim.start) tight = true;
      digits = inside.digits + digits;
      i -= 1;
    }
    if (digits === '' || (claim.type === 'ssn' && tight)) break;
    const start = done.map(claim.start);
    const found = done.findings.find((f) => f.start === start);
    out.unshift({ start, end: found?.end ?? start + claim.render.length, digits, gap: 0 });
  }
  return capTail(out);
}

/**
 * Creates a masker for one conversation. It keeps, per sender, at most the last
 * three messages' masked text and up to 18 trailing unmasked digits of each
 * (what a card split over four messages needs), in memory only.
 */
export function createConversationMasker<R>(options?: MaskOptions): ConversationMasker<R> {
  const compiled = compileOptions(options);
  const senders = new Map<string, SenderState<R>>();
  /**
   * A dense text (dense.ts): every digit hidden; the digits trailing the sender's earlier messages
   * may start a card it continues, so they are hidden too (reported in `redacted`).
   */
  function dense(sender: string, text: string, ref: R, state: SenderState<R>): ProcessResult<R> {
    if (text.length > compiled.maxTextLength) throw new RangeError('text exceeds maxTextLength');
    const r = maskDense(text, compiled);
    const redacted: Array<Redaction<R>> = [];
    for (const kept of state.kept) {
      if (kept.tail.length === 0) continue;
      const claims: Claim[] = kept.tail.map((u) => ({
        start: u.start,
        end: u.end,
        type: 'pan',
        render: '•'.repeat(u.digits.length),
      }));
      const earlier = kept.findings.map((f) => ({
        start: f.start,
        end: f.end,
        type: f.type,
        render: kept.text.slice(f.start, f.end),
      }));
      const applied = applyClaims(kept.text, [...claims, ...earlier]);
      kept.text = applied.text;
      kept.findings = applied.findings;
      kept.tail = [];
      kept.tailDigits.clear();
      redacted.push({ ref: kept.ref, text: kept.text, findings: kept.findings.slice() });
    }
    state.kept.push({
      ref,
      text: r.text,
      findings: r.findings,
      tail: [],
      whole: false,
      tailDigits: new Map(),
    });
    while (state.kept.length > MAX_EARLIER) state.kept.shift();
    for (const k of state.kept) if (k.tail.length === 0) k.text = '';
    state.afterCard = 2;
    state.afterPanEnd = true;
    senders.delete(sender);
    senders.set(sender, state);
    if (senders.size > MAX_SENDERS) {
      const oldest = senders.keys().next();
      if (oldest.done !== true) senders.delete(oldest.value);
    }
    return { text: r.text, findings: r.findings, redacted };
  }

  return {
    process(sender: string, text: string, ref: R): ProcessResult<R> {
      if (typeof sender !== 'string') throw new TypeError('sender must be a string');
      const state = senders.get(sender) ?? { kept: [], afterCard: 0, afterPanEnd: false };
      // Without a digit, a digit word or a trigger nothing can be hidden, whatever came before:
      // skip the scan and only age the sender's state.
      const bare =
        typeof text === 'string' &&
        text.length <= compiled.maxTextLength &&
        prefilter(text, compiled) === BARE;
      const p: Prepared | undefined = bare
        ? { text, chains: [], claims: [], digits: 0 }
        : prepareUnlessDense(text, compiled);
      if (p === undefined) return dense(sender, text, ref, state);
      const redactions = new Map<Kept<R>, Claim[]>();
      if (!bare) crossMessage(p, compiled, state, redactions);
      const done: Finished = bare
        ? { text, findings: [], map: identity, claims: [], hadCard: false, endsWithPan: false }
        : finish(p, compiled, { afterCard: state.afterCard > 0, afterPanEnd: state.afterPanEnd });
      const redacted: Array<Redaction<R>> = [];
      for (const [kept, claims] of redactions) {
        const earlier = kept.findings.map((f) => ({
          start: f.start,
          end: f.end,
          type: f.type,
          render: kept.text.slice(f.start, f.end),
        }));
        // New claims first: where one covers an earlier card rendering, the new piece rendering wins.
        const applied = applyClaims(kept.text, [...claims, ...earlier]);
        const piece = claims[claims.length - 1];
        kept.text = applied.text;
        kept.findings = applied.findings;
        kept.tail = [];
        if (piece !== undefined) {
          const start = applied.map(piece.start);
          const digits = kept.tailDigits.get(piece) ?? '';
          if (digits !== '')
            kept.tail = [{ start, end: start + piece.render.length, digits, gap: 0 }];
        }
        kept.tailDigits.clear();
        redacted.push({ ref: kept.ref, text: kept.text, findings: kept.findings.slice() });
      }
      const tail = tailOf(p, done);
      const last = p.chains[p.chains.length - 1];
      const whole =
        tail.length > 0 &&
        p.chains.length === 1 &&
        last?.leading === true &&
        done.claims.every(joinable);
      state.kept.push({
        ref,
        text: done.text,
        findings: done.findings.slice(),
        tail,
        whole,
        tailDigits: new Map(),
      });
      while (state.kept.length > MAX_EARLIER) state.kept.shift();
      // Text of a message without digits at its end can never be redacted later: drop it.
      for (const k of state.kept) if (k.tail.length === 0) k.text = '';
      state.afterCard = done.hadCard || redacted.length > 0 ? 2 : Math.max(0, state.afterCard - 1);
      state.afterPanEnd = done.endsWithPan;
      senders.delete(sender);
      senders.set(sender, state);
      if (senders.size > MAX_SENDERS) {
        const oldest = senders.keys().next();
        if (oldest.done !== true) senders.delete(oldest.value);
      }
      return { text: done.text, findings: done.findings, redacted };
    },
  };
}
