// One message through every rule, in priority order: credentials and other
// secrets, then card numbers, expiry and CVV, then phone and custom rules.
import { applyClaims, overlapsAny } from './claims';
import type { Applied, Claim } from './claims';
import { claimCardContext } from './card-context';
import { claimEchoes, mayHoldEcho } from './echo';
import { compileCustomRules, CUSTOM_RULE_MAX_INPUT } from './custom-rules';
import type { CompiledCustomRule } from './custom-rules';
import { findPanWindows, renderPan } from './pan';
import { EARLY_RULES, LATE_RULES } from './secrets';
import type { SecretRule } from './secrets';
import { buildChains, gapKind, tokenize } from './tokens';
import type { Chain, Token } from './tokens';
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
export function maskDigitRules(text: string, c: Compiled, digits: number, lettered: boolean): MaskResult {
  const claims: Claim[] = [];
  for (const rule of c.early) if (rule.id === 'ssn' || (lettered && (rule.id === 'iban' || rule.id === 'uk_nino'))) runRule(text, rule, digits, claims);
  if (claims.length === 0) return { text, findings: [] };
  const applied = applyClaims(text, claims);
  return { text: applied.text, findings: applied.findings };
}

// Every early rule without a digit requirement needs one of these (keep in step with secrets.ts).
const EARLY_TRIGGER = /PRIVATE KEY|eyJ|A[KSBC][IC]A|_live_|_test_|whsec_|gh[pousr]_|github_pat_|xox|hooks\.slack|AIza|sk-|npm_|@/;
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
  if (digits >= 6 || EARLY_TRIGGER.test(text)) for (const rule of c.early) runRule(text, rule, digits, claims);
  const skip: Array<{ start: number; end: number }> = claims.map((x) => ({ start: x.start, end: x.end }));
  if (digits >= 12 && text.includes('-')) for (const m of text.matchAll(UUID)) skip.push({ start: m.index, end: m.index + m[0].length });
  const blocked = skip.length === 0 ? undefined : (t: Token) => skip.some((s) => s.start < t.end && t.start < s.end);
  const chains = tokens.length > 0 && (c.on.pan || c.on.cvv || c.on.expiry) ? buildChains(text, tokens, blocked) : [];
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
    claims.length === 0 && !ctx.afterCard && !ctx.afterPanEnd && p.digits < 3 &&
    c.late.length === 0 && c.custom.length === 0 && !couldHoldCard(chains)
  )
    return { text, findings: [], map: identity, claims: NOTHING, hadCard: false, endsWithPan: false };
  // End offset of each card -> its digit count (cards across messages: unknown here, the shortest assumed).
  const panEnds = new Map<number, number>(claims.filter((x) => x.type === 'pan').map((x) => [x.end, 12]));
  if (c.on.pan) {
    for (const chain of chains) {
      const units = chain.units;
      const free = (i: number): boolean => {
        const u = units[i];
        return u !== undefined && !overlapsAny(claims, u.start, u.end);
      };
      for (const w of findPanWindows(units, chain.plusBefore, free)) {
        const first = units[w.lead];
        const last = units[w.to];
        if (first === undefined || last === undefined) continue;
        // Digits just before the window may be the card's true start: then its true last four are unsure.
        const display = w.leadDigits === '' && !w.ambiguous ? c.panDisplay : 'none';
        claims.push({ start: first.start, end: last.end, type: 'pan', render: renderPan(w.digits, display) });
        panEnds.set(last.end, w.digits.length);
      }
    }
  }
  claimCardContext({ text, panEnds: [...panEnds.keys()], afterCard: ctx.afterCard, expiry: c.on.expiry, cvv: c.on.cvv }, claims);
  if (c.on.pan) {
    const trailed = claimLeftovers(p, panEnds, ctx.afterPanEnd, claims);
    // Digits trail the card: its true last four are unsure, so none are shown.
    for (let k = 0; k < claims.length; k += 1) {
      const x = claims[k];
      if (x?.type === 'pan' && x.echo !== true && trailed.has(x.end) && x.render.includes(' '))
        claims[k] = { ...x, render: renderPan('0000', 'none') };
    }
  }
  for (const rule of c.late) runRule(text, rule, p.digits, claims);
  if (c.custom.length > 0) {
    if (text.length > CUSTOM_RULE_MAX_INPUT) throw new RangeError('text too long for custom rules');
    for (const rule of c.custom) {
      for (const m of text.matchAll(rule.re)) {
        if (m[0].length > 0) claims.push({ start: m.index, end: m.index + m[0].length, type: rule.type, render: rule.placeholder });
      }
    }
  }
  const applied = applyClaims(text, claims);
  // A card (or a CVV read right after one) at the very end: the next message may carry more of it.
  const lastCard = claims.reduce((end, x) => (x.type === 'pan' || x.type === 'cvv' ? Math.max(end, x.end) : end), -1);
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
function claimLeftovers(p: Prepared, panEnds: ReadonlyMap<number, number>, afterPanEnd: boolean, claims: Claim[]): Set<number> {
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
