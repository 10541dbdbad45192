// One message through every rule, in priority order: credentials and other
// secrets, then card numbers, expiry and CVV, then phone and custom rules.
import { applyClaims, ClaimSet } from './claims';
import type { Applied, Claim } from './claims';
import { claimCardContext } from './card-context';
import { claimLeftovers, claimReordered, claimWindows, closeEscapeGaps } from './card-windows';
import type { WindowBlocks } from './card-windows';
import { mayReorder } from './chars';
import { claimEchoes, mayHoldEcho } from './echo';
import { claimCustom, compileCustomRules } from './custom-rules';
import type { CompiledCustomRule } from './custom-rules';
import { EARLY_RULES, LATE_RULES } from './secrets';
import type { SecretRule } from './secrets';
import { buildChains, gapKind, tokenize } from './tokens';
import type { Chain, Token, Tokens } from './tokens';
import { DENSE_UNITS } from './dense';
import { claimWordJoined } from './word-joined';
import { DEFAULT_MASK_OPTIONS, PCI_FLOOR_RULES } from './types';
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
  for (const id of PCI_FLOOR_RULES) on[id] = true; // an old or forged "off" is ignored
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
// Bounded on both sides: a UUID-shaped tail of a longer number must not hide its digits.
const UUID =
  /(?<![0-9A-Za-z-])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9A-Za-z-])/gi;

/** Tokens, chains and the claims of the rules that run before card detection. */
export interface Prepared {
  readonly text: string;
  readonly chains: readonly Chain[];
  readonly claims: Claim[];
  /** Decimal digits in the text (any script). */
  readonly digits: number;
  /** Chains of the text read with `%XX` escapes before digits as digits (only when it has such). */
  readonly altChains?: readonly Chain[];
}

/** First half of a scan: secrets that are not cards, then the digit chains that remain. */
export function prepare(text: string, c: Compiled, given?: Tokens): Prepared {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  if (text.length > c.maxTextLength) throw new RangeError('text exceeds maxTextLength');
  const { tokens, digitChars: digits, alt, wordAlts } = given ?? tokenize(text);
  const claims: Claim[] = [];
  if (mayHoldEcho(text)) claimEchoes(text, c.custom, claims);
  if (digits >= 6 || EARLY_TRIGGER.test(text))
    for (const rule of c.early) runRule(text, rule, digits, claims);
  // Other readings (look-alikes read loosely) may hold a card where the main one has no token.
  const none = tokens.length === 0 && alt === undefined && wordAlts === undefined;
  if (none || !(c.on.pan || c.on.cvv || c.on.expiry)) return { text, chains: [], claims, digits };
  // An SSN shape ("123 45 6789") can be a piece of a card: its digits stay in the chains, and a card
  // window that covers the whole SSN takes it over (see `cardWindows`). The masker's own output met
  // again (an echo) never hides digits: they are read as if it were not there.
  const skip: Array<{ start: number; end: number }> = claims
    .filter((x) => x.type !== 'ssn' && x.echo !== true)
    .map((x) => ({ start: x.start, end: x.end }));
  if (digits >= 12 && text.includes('-'))
    for (const m of text.matchAll(UUID)) skip.push({ start: m.index, end: m.index + m[0].length });
  const blocked = skip.length === 0 ? undefined : blockedBy(skip);
  const chains = buildChains(text, tokens, blocked);
  const altChains = alt === undefined ? [] : buildChains(text, alt, blocked);
  // Number words that read two ways ("five mille neuf"): a card in any reading is hidden.
  for (const w of wordAlts ?? []) altChains.push(...buildChains(text, w, blocked));
  // Digits shown by an echo may as well be a first card's last four as a piece of the next card:
  // read the text once more with the echoes' digits blanked, so neither reading shields a card.
  const plain = withoutEchoDigits(text, claims);
  if (plain !== undefined) {
    // Blanking digits only removes the tokens that were those digits: no second tokenizer pass,
    // unless a token straddles an echo's edge (then its neighbours may read differently).
    const again =
      alt === undefined && wordAlts === undefined
        ? withoutTokensIn(tokens, plain.spans)
        : undefined;
    if (again !== undefined) altChains.push(...buildChains(plain.text, again, blocked));
    else {
      const read = tokenize(plain.text);
      altChains.push(...buildChains(plain.text, read.tokens, blocked));
      if (read.alt !== undefined) altChains.push(...buildChains(plain.text, read.alt, blocked));
      for (const w of read.wordAlts ?? []) altChains.push(...buildChains(plain.text, w, blocked));
    }
  }
  if (altChains.length === 0) return { text, chains, claims, digits };
  return { text, chains, claims, digits, altChains };
}

/**
 * `prepare`, or undefined when the text is dense (more than DENSE_UNITS digit runs and number
 * words, see dense.ts): the one tokenizer pass both decides and prepares, so the text is not read
 * once to count its units and again to tokenize it.
 */
export function prepareUnlessDense(text: string, c: Compiled): Prepared | undefined {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  if (text.length > c.maxTextLength) throw new RangeError('text exceeds maxTextLength');
  const tokens = tokenize(text, DENSE_UNITS);
  return tokens.units > DENSE_UNITS ? undefined : prepare(text, c, tokens);
}

/**
 * The text with every digit inside an echo replaced by a bullet (same offsets), and the spans of
 * the digits so blanked, or undefined when no echo shows a digit.
 */
function withoutEchoDigits(
  text: string,
  claims: readonly Claim[],
): { text: string; spans: Array<{ start: number; end: number }> } | undefined {
  let out: string | undefined;
  let pos = 0;
  const spans: Array<{ start: number; end: number }> = [];
  for (const x of claims) {
    if (x.echo !== true || x.type !== 'pan') continue;
    const span = text.slice(x.start, x.end);
    if (!/[0-9]/.test(span)) continue;
    for (const m of span.matchAll(/[0-9]+/g))
      spans.push({ start: x.start + m.index, end: x.start + m.index + m[0].length });
    out = (out ?? '') + text.slice(pos, x.start) + span.replace(/[0-9]/g, '•');
    pos = x.end;
  }
  if (out === undefined) return undefined;
  spans.sort((a, b) => a.start - b.start);
  return { text: out + text.slice(pos), spans };
}

/** `tokens` less those inside the spans, or undefined when a token overlaps a span only in part. */
function withoutTokensIn(
  tokens: readonly Token[],
  spans: ReadonlyArray<{ start: number; end: number }>,
): Token[] | undefined {
  const out: Token[] = [];
  let j = 0;
  for (const t of tokens) {
    while (j < spans.length && (spans[j]?.end ?? 0) <= t.start) j += 1;
    const sp = spans[j];
    if (sp === undefined || sp.start >= t.end) out.push(t);
    else if (sp.start > t.start || sp.end < t.end) return undefined;
  }
  return out;
}

/** Tokens overlapping any span, in one sweep (tokens come in order of start, spans are sorted once). */
function blockedBy(spans: Array<{ start: number; end: number }>): (t: Token) => boolean {
  spans.sort((a, b) => a.start - b.start);
  let j = 0;
  let maxEnd = -1;
  let lastStart = -1;
  return (t: Token) => {
    if (t.start < lastStart) {
      j = 0; // a second pass (the other reading of %-escapes) starts again
      maxEnd = -1;
    }
    lastStart = t.start;
    while (j < spans.length && (spans[j]?.start ?? Infinity) < t.end) {
      maxEnd = Math.max(maxEnd, spans[j]?.end ?? -1);
      j += 1;
    }
    return maxEnd > t.start;
  };
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

const NOTHING: readonly Claim[] = [];
const identity = (o: number): number => o;

function couldHoldCard(chains: ReadonlyArray<Pick<Chain, 'units'>> | undefined): boolean {
  for (const chain of chains ?? []) {
    let n = 0;
    for (const u of chain.units) n += u.digits.length;
    if (n >= 12) return true;
  }
  return false;
}

/** Second half of a scan: cards, expiry, CVV, late and custom rules; builds the masked text. */
export function finish(p: Prepared, c: Compiled, ctx: FinishContext): Finished {
  const { text, chains } = p;
  // Fast path, the common message: no secret so far, no run of digits long
  // enough for a card, no card just before, no digits for a context word.
  if (
    p.claims.length === 0 &&
    !ctx.afterCard &&
    !ctx.afterPanEnd &&
    p.digits < 3 &&
    c.late.length === 0 &&
    c.custom.length === 0 &&
    !couldHoldCard(chains) &&
    !couldHoldCard(p.altChains) &&
    !couldHoldCard([{ units: chains.flatMap((x) => x.units) }]) // chains joined by words
  )
    return {
      text,
      findings: [],
      map: identity,
      claims: NOTHING,
      hadCard: false,
      endsWithPan: false,
    };
  const claims = new ClaimSet(text.length, p.claims);
  // End offset of each card -> its digit count (cards across messages: unknown here, the shortest assumed).
  const panEnds = new Map<number, number>(
    claims.list.filter((x) => x.type === 'pan').map((x) => [x.end, 12]),
  );
  if (c.on.pan) claimCards(p, c, claims, panEnds);
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
    const trailed = claimLeftovers(text, chains, panEnds, ctx.afterPanEnd, claims);
    // Digits trail the card (or the piece of a card split across messages): its true last four are
    // unsure, so none are shown.
    const list = claims.list;
    for (let k = 0; k < list.length; k += 1) {
      const x = list[k];
      if (x?.type === 'pan' && x.echo !== true && trailed.has(x.end) && SHOWN.test(x.render))
        list[k] = { ...x, render: x.render.replace(SHOWN_ALL, '•') };
    }
    closeEscapeGaps(text, chains, claims);
  }
  for (const rule of c.late) runRule(text, rule, p.digits, claims.list);
  if (c.custom.length > 0) claimCustom(text, c.custom, claims.list);
  const list = claims.list;
  const applied = applyClaims(text, list);
  // A card (or a CVV or expiry read right after one: digits trailing a card that may be its rest) at
  // the very end: the next message may carry more of it.
  const lastCard = list.reduce(
    (end, x) => (CARD_DATA.has(x.type) ? Math.max(end, x.end) : end),
    -1,
  );
  return {
    ...applied,
    claims: list,
    hadCard: list.some((x) => CARD_DATA.has(x.type)),
    endsWithPan: lastCard >= 0 && gapKind(text.slice(lastCard)) >= 0,
  };
}

/** Card windows of every chain (both readings of %-escapes, every display order), then SSN take-over. */
function claimCards(
  p: Prepared,
  c: Compiled,
  claims: ClaimSet,
  panEnds: Map<number, number>,
): void {
  const early = claims.list.filter((x) => x.type !== 'ssn' && x.echo !== true);
  const blocks: WindowBlocks = {
    cover: new ClaimSet(p.text.length, early),
    ssn: claims.list.filter((x) => x.type === 'ssn'),
  };
  const reorder = mayReorder(p.text);
  // Displayed in another order than stored, which four digits are "the last" is unsure: show none.
  const display = reorder ? 'none' : c.panDisplay;
  for (const chain of p.chains) {
    if (!couldHoldCard([chain])) continue; // fewer than 12 digits: no window can pass
    claimWindows(chain, display, blocks, claims, panEnds);
    if (reorder) claimReordered(chain, blocks, claims);
  }
  for (const chain of p.altChains ?? [])
    if (couldHoldCard([chain])) claimWindows(chain, display, blocks, claims, panEnds);
  claimWordJoined(p.text, p.chains, display, claims, panEnds);
  if (blocks.ssn.length > 0) dropSsnInsideCards(claims.list);
}

/** An SSN shape that turned out to be part of a card is the card's (one sort, then a sweep). */
function dropSsnInsideCards(list: Claim[]): void {
  const pans = list
    .filter((y) => y.type === 'pan' && y.echo !== true)
    .sort((a, b) => a.start - b.start);
  const maxEnd: number[] = [];
  for (const y of pans) maxEnd.push(Math.max(y.end, maxEnd[maxEnd.length - 1] ?? -1));
  const inside = (x: Claim): boolean => {
    let lo = 0;
    let hi = pans.length; // first pan starting after x.start
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((pans[mid]?.start ?? 0) <= x.start) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && (maxEnd[lo - 1] ?? -1) >= x.end;
  };
  for (let k = list.length - 1; k >= 0; k -= 1) {
    const x = list[k];
    if (x?.type === 'ssn' && inside(x)) list.splice(k, 1);
  }
}

const SHOWN = /[^• ]/;
const SHOWN_ALL = /[^• ]/g;
const CARD_DATA = new Set(['pan', 'cvv', 'expiry']);

export { cardWindows } from './card-windows';
