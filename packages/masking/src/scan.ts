// One message through every rule, in priority order: credentials and other
// secrets, then card numbers, expiry and CVV, then phone and custom rules.
import { applyClaims, overlapsAny } from './claims';
import type { Applied, Claim } from './claims';
import { claimCardContext } from './card-context';
import { claimEchoes, mayHoldEcho } from './echo';
import { compileCustomRules, CUSTOM_RULE_MAX_INPUT } from './custom-rules';
import type { CompiledCustomRule } from './custom-rules';
import { findPanWindows, renderPan } from './pan';
import type { PanWindow } from './pan';
import { EARLY_RULES, LATE_RULES } from './secrets';
import type { SecretRule } from './secrets';
import { buildChains, gapKind, tokenize } from './tokens';
import type { Chain, Token, Unit } from './tokens';
import { DEFAULT_MASK_OPTIONS } from './types';
import type { MaskOptions, MaskResult, PanDisplay, RuleId } from './types';

export interface Compiled {
  readonly on: Readonly<Record<RuleId, boolean>>;
  readonly panDisplay: PanDisplay;
  readonly early: readonly SecretRule[];
  readonly late: readonly SecretRule[];
  readonly custom: readonly CompiledCustomRule[];
  readonly maxTextLength: number;
}

const compiledCache = new WeakMap<MaskOptions, Compiled>();
const PAN_DISPLAYS: readonly PanDisplay[] = ['last4', 'bin_last4', 'none'];

/** Resolves options against the defaults once per options object. Throws on invalid options. */
export function compileOptions(options: MaskOptions | undefined): Compiled {
  const key = options ?? DEFAULT_MASK_OPTIONS;
  const cached = compiledCache.get(key);
  if (cached !== undefined) return cached;
  const on = { ...DEFAULT_MASK_OPTIONS.rules, ...(options?.rules ?? {}) };
  const panDisplay = options?.panDisplay ?? DEFAULT_MASK_OPTIONS.panDisplay;
  if (!PAN_DISPLAYS.includes(panDisplay)) throw new Error('invalid panDisplay');
  const compiled: Compiled = {
    on,
    panDisplay,
    early: EARLY_RULES.filter((r) => on[r.id]),
    late: LATE_RULES.filter((r) => on[r.id]),
    custom: compileCustomRules(options?.customRules ?? []),
    maxTextLength: options?.maxTextLength ?? DEFAULT_MASK_OPTIONS.maxTextLength,
  };
  compiledCache.set(key, compiled);
  return compiled;
}

function runRule(text: string, rule: SecretRule, digits: number, claims: Claim[]): void {
  if (!rule.worthTrying(text, digits)) return;
  const re = rule.re;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const end = rule.confirm === undefined ? m[0].length : rule.confirm(m[0]);
    if (end > 0) {
      claims.push({ start: m.index, end: m.index + end, type: rule.id, render: rule.placeholder });
      re.lastIndex = m.index + end;
    } else re.lastIndex = m.index + 1;
  }
}

/**
 * The whole scan for a text the prefilter proved to hold no card, card
 * context or credential: only the digit-gated rules (IBAN, SSN, NI number)
 * can match, in their usual order. IBAN and NI numbers start with letters
 * glued (or one space) to digits; without that, only the SSN rule is tried.
 */
export function maskDigitRules(
  text: string,
  c: Compiled,
  digits: number,
  lettered: boolean,
): MaskResult {
  const claims: Claim[] = [];
  for (const rule of c.early)
    if (rule.id === 'ssn' || (lettered && (rule.id === 'iban' || rule.id === 'uk_nino')))
      runRule(text, rule, digits, claims);
  if (claims.length === 0) return { text, findings: [] };
  const applied = applyClaims(text, claims);
  return { text: applied.text, findings: applied.findings };
}

// Every early rule without a digit requirement needs one of these (keep in step with secrets.ts).
const EARLY_TRIGGER =
  /PRIVATE KEY|eyJ|A[KSBC][IC]A|_live_|_test_|whsec_|gh[pousr]_|github_pat_|xox|hooks\.slack|AIza|sk-|npm_|@/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Tokens, chains and the claims of the rules that run before card detection. */
export interface Prepared {
  readonly text: string;
  readonly chains: readonly Chain[];
  readonly claims: Claim[];
  /** Decimal digits in the text (any script). */
  readonly digits: number;
}

/** First half of a scan: secrets that are not cards, then the digit chains that remain. */
export function prepare(text: string, c: Compiled): Prepared {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  if (text.length > c.maxTextLength) throw new RangeError('text exceeds maxTextLength');
  const { tokens, digitChars: digits } = tokenize(text);
  const claims: Claim[] = [];
  if (mayHoldEcho(text)) claimEchoes(text, c.custom, claims);
  if (digits >= 6 || EARLY_TRIGGER.test(text))
    for (const rule of c.early) runRule(text, rule, digits, claims);
  // An SSN shape ("123 45 6789") can be a piece of a card: its digits stay in the chains, and a card
  // window that covers the whole SSN takes it over (see `cardWindows`).
  const skip: Array<{ start: number; end: number }> = claims
    .filter((x) => x.type !== 'ssn')
    .map((x) => ({ start: x.start, end: x.end }));
  if (digits >= 12 && text.includes('-'))
    for (const m of text.matchAll(UUID)) skip.push({ start: m.index, end: m.index + m[0].length });
  const blocked =
    skip.length === 0
      ? undefined
      : (t: Token) => skip.some((s) => s.start < t.end && t.start < s.end);
  const chains =
    tokens.length > 0 && (c.on.pan || c.on.cvv || c.on.expiry)
      ? buildChains(text, tokens, blocked)
      : [];
  return { text, chains, claims, digits };
}

export interface FinishContext {
  /** The sender's previous message carried card data (expiry and CVV may follow). */
  readonly afterCard: boolean;
  /** The sender's previous message ended with a card number: a short leading run continues it. */
  readonly afterPanEnd: boolean;
}

export interface Finished extends Applied {
  readonly claims: readonly Claim[];
  readonly hadCard: boolean;
  readonly endsWithPan: boolean;
}

const MAX_CONTINUATION = 7;

/** Second half of a scan: cards, expiry, CVV, late and custom rules; builds the masked text. */
const NOTHING: readonly Claim[] = [];
const identity = (o: number): number => o;

function couldHoldCard(chains: readonly Chain[]): boolean {
  for (const chain of chains) {
    let n = 0;
    for (const u of chain.units) n += u.digits.length;
    if (n >= 12) return true;
  }
  return false;
}

export function finish(p: Prepared, c: Compiled, ctx: FinishContext): Finished {
  const { text, chains, claims } = p;
  // Fast path, the common message: no secret so far, no run of digits long
  // enough for a card, no card just before, no digits for a context word.
  if (
    claims.length === 0 &&
    !ctx.afterCard &&
    !ctx.afterPanEnd &&
    p.digits < 3 &&
    c.late.length === 0 &&
    c.custom.length === 0 &&
    !couldHoldCard(chains)
  )
    return {
      text,
      findings: [],
      map: identity,
      claims: NOTHING,
      hadCard: false,
      endsWithPan: false,
    };
  // End offset of each card -> its digit count (cards across messages: unknown here, the shortest assumed).
  const panEnds = new Map<number, number>(
    claims.filter((x) => x.type === 'pan').map((x) => [x.end, 12]),
  );
  if (c.on.pan) {
    for (const chain of chains) {
      const units = chain.units;
      for (const w of cardWindows(units, chain.plusBefore, claims, () => true)) {
        const first = units[w.lead];
        const last = units[w.to];
        if (first === undefined || last === undefined) continue;
        // Digits just before the window may be the card's true start: then its true last four are unsure.
        const display = w.leadDigits === '' && !w.ambiguous ? c.panDisplay : 'none';
        claims.push({
          start: first.start,
          end: last.end,
          type: 'pan',
          render: renderPan(w.digits, display),
        });
        panEnds.set(last.end, w.digits.length);
      }
    }
  }
  // An SSN shape that turned out to be part of a card is the card's.
  for (let k = claims.length - 1; k >= 0; k -= 1) {
    const x = claims[k];
    if (
      x?.type === 'ssn' &&
      claims.some(
        (y) => y.type === 'pan' && y.echo !== true && y.start <= x.start && x.end <= y.end,
      )
    )
      claims.splice(k, 1);
  }
  claimCardContext(
    {
      text,
      panEnds: [...panEnds.keys()],
      afterCard: ctx.afterCard,
      expiry: c.on.expiry,
      cvv: c.on.cvv,
    },
    claims,
  );
  if (c.on.pan) {
    const trailed = claimLeftovers(p, panEnds, ctx.afterPanEnd, claims);
    // Digits trail the card (or the piece of a card split across messages): its true last four are
    // unsure, so none are shown.
    for (let k = 0; k < claims.length; k += 1) {
      const x = claims[k];
      if (x?.type === 'pan' && x.echo !== true && trailed.has(x.end) && SHOWN.test(x.render))
        claims[k] = { ...x, render: x.render.replace(SHOWN_ALL, '•') };
    }
    closeEscapeGaps(p, claims);
  }
  for (const rule of c.late) runRule(text, rule, p.digits, claims);
  if (c.custom.length > 0) {
    if (text.length > CUSTOM_RULE_MAX_INPUT) throw new RangeError('text too long for custom rules');
    for (const rule of c.custom) {
      for (const m of text.matchAll(rule.re)) {
        if (m[0].length > 0)
          claims.push({
            start: m.index,
            end: m.index + m[0].length,
            type: rule.type,
            render: rule.placeholder,
          });
      }
    }
  }
  const applied = applyClaims(text, claims);
  // A card (or a CVV or expiry read right after one: digits trailing a card that may be its rest) at
  // the very end: the next message may carry more of it.
  const lastCard = claims.reduce(
    (end, x) => (CARD_DATA.has(x.type) ? Math.max(end, x.end) : end),
    -1,
  );
  return {
    ...applied,
    claims,
    hadCard: claims.some((x) => x.type === 'pan' || x.type === 'cvv' || x.type === 'expiry'),
    endsWithPan: lastCard >= 0 && gapKind(text.slice(lastCard)) >= 0,
  };
}

/**
 * Digits that trail a card in the same chain (a 19-digit card whose first 16
 * happened to pass Luhn), and a short leading run right after a message that
 * ended with a card, are hidden too rather than left beside the last four.
 */
function claimLeftovers(
  p: Prepared,
  panEnds: ReadonlyMap<number, number>,
  afterPanEnd: boolean,
  claims: Claim[],
): Set<number> {
  const trailed = new Set<number>();
  for (const chain of p.chains) {
    const units = chain.units;
    let budget = 0; // digits a card that ended earlier in this chain may still have
    let panEnd = -1;
    for (let i = 0; i < units.length; i += 1) {
      const u = units[i];
      const prev = units[i - 1];
      const len = prev === undefined ? undefined : panEnds.get(prev.end);
      if (prev !== undefined && len !== undefined) {
        budget = Math.max(3, 19 - len);
        panEnd = prev.end;
      }
      if (u === undefined || u.digits.length > budget) {
        budget = 0;
        continue;
      }
      budget -= u.digits.length;
      if (overlapsAny(claims, u.start, u.end)) continue; // an expiry or CVV: already hidden
      claims.push({ start: u.start, end: u.end, type: 'pan', render: '•'.repeat(u.digits.length) });
      trailed.add(panEnd);
    }
  }
  const lead = p.chains[0];
  if (!afterPanEnd || lead?.leading !== true) return trailed;
  let count = 0;
  const take: Claim[] = [];
  for (const u of lead.units) {
    count += u.digits.length;
    if (overlapsAny(claims, u.start, u.end)) continue; // an expiry or CVV: already hidden
    take.push({ start: u.start, end: u.end, type: 'pan', render: '•'.repeat(u.digits.length) });
  }
  if (count > 0 && count <= MAX_CONTINUATION) claims.push(...take);
  return trailed;
}

const SHOWN = /[^• ]/;
const SHOWN_ALL = /[^• ]/g;
const ND = /\p{Nd}/u;
const CARD_DATA = new Set(['pan', 'cvv', 'expiry']);

/**
 * Luhn windows of a chain that are free of other claims. Units of an SSN claim may be used when
 * the window covers the whole SSN (a card written 3-2-4 at its start or end); a window that would
 * cut an SSN in two is not taken, and the chain is searched again around the SSN.
 * `current(i)`: unit `i` lies in this text (in the conversation masker, earlier units do not).
 */
export function cardWindows(
  units: readonly Unit[],
  plusBefore: boolean,
  claims: readonly Claim[],
  current: (i: number) => boolean,
  reach?: (j: number) => boolean,
): PanWindow[] {
  const hard = (i: number): boolean => {
    const u = units[i];
    if (u === undefined) return false;
    if (!current(i)) return true;
    for (const x of claims)
      if (x.start < u.end && u.start < x.end && x.type !== 'ssn') return false;
    return true;
  };
  const ssn = claims.filter((x) => x.type === 'ssn');
  if (ssn.length === 0) return findPanWindows(units, plusBefore, hard, reach);
  const windows = findPanWindows(units, plusBefore, hard, reach);
  const cuts = windows.some((w) => {
    let start = Infinity;
    let end = -1;
    for (let i = w.lead; i <= w.to; i += 1) {
      const u = units[i];
      if (u === undefined || !current(i)) continue;
      start = Math.min(start, u.start);
      end = Math.max(end, u.end);
    }
    return ssn.some((x) => x.start < end && start < x.end && !(start <= x.start && x.end <= end));
  });
  if (!cuts) return windows;
  return findPanWindows(
    units,
    plusBefore,
    (i) => {
      const u = units[i];
      return u !== undefined && hard(i) && (!current(i) || !overlapsAny(ssn, u.start, u.end));
    },
    reach,
  );
}

/**
 * Between two hidden units of a chain, a separator written with digits (a `%20` escape, an
 * `&#8203;` entity) would leave those digits beside the mask: the later claim takes it over,
 * rendered as a space.
 */
function closeEscapeGaps(p: Prepared, claims: Claim[]): void {
  const { text } = p;
  for (const chain of p.chains) {
    const units = chain.units;
    for (let i = 1; i < units.length; i += 1) {
      const a = units[i - 1] as Unit;
      const b = units[i] as Unit;
      if (a.end >= b.start || !ND.test(text.slice(a.end, b.start))) continue;
      if (overlapsAny(claims, a.end, b.start)) continue;
      const hidden = (u: Unit): boolean =>
        claims.some(
          (x) => x.start < u.end && u.start < x.end && x.echo !== true && CARD_DATA.has(x.type),
        );
      if (!hidden(a)) continue;
      const k = claims.findIndex(
        (x) => x.start === b.start && x.echo !== true && CARD_DATA.has(x.type),
      );
      const x = claims[k];
      if (x === undefined) continue;
      claims[k] = { ...x, start: a.end, render: ` ${x.render}` };
    }
  }
}
