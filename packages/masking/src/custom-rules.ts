// Organisation-defined rules on a linear-time engine (RE2 semantics, re2js):
// no backtracking, so no pattern can stall the masker, whatever the text.
// Validation on save checks syntax and size; the time bound comes from the engine.
import { RE2JS } from 're2js';
import type { Claim } from './claims';
import type { CustomRule } from './types';

export type CustomRuleCheck =
  { readonly ok: true } | { readonly ok: false; readonly reason: string };

const MAX_PATTERN = 512;
/** Custom rules run only on texts up to this size; a longer text is refused. */
export const CUSTOM_RULE_MAX_INPUT = 16 * 1024;
const ID = /^[a-z0-9_-]{1,40}$/;
const FLAGS = /^(?!.*(.).*\1)[imsu]*$/;
/** RE2 program size (instructions): the NFA's cost per character grows with it. */
export const MAX_PROGRAM = 200;
/**
 * Per message: characters searched times program size, over all custom rules, once the DFA has
 * said a rule matches somewhere. Beyond it the message is refused (fail closed), never stalled.
 */
export const CUSTOM_RULE_BUDGET = 1 << 19;
const FLAG_BITS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  u: 0, // RE2 is Unicode-aware by default
};

function compileRe2(pattern: string, flags: string): RE2JS {
  let bits = 0;
  for (const f of flags) bits |= FLAG_BITS[f] ?? 0;
  return RE2JS.compile(pattern, bits);
}

/**
 * Checks an organisation's rule before it is saved: id and flags, size, that it
 * compiles as RE2 (no look-around, no backreferences), that its program is not
 * too large, and that it does not match the empty string.
 */
export function validateCustomRule(rule: CustomRule): CustomRuleCheck {
  if (typeof rule.id !== 'string' || !ID.test(rule.id))
    return { ok: false, reason: 'id must match [a-z0-9_-]{1,40}' };
  if (typeof rule.pattern !== 'string' || rule.pattern.length === 0)
    return { ok: false, reason: 'pattern is empty' };
  if (rule.pattern.length > MAX_PATTERN)
    return { ok: false, reason: `pattern longer than ${MAX_PATTERN} characters` };
  const flags = rule.flags ?? '';
  if (!FLAGS.test(flags)) return { ok: false, reason: 'flags may only be i, m, s, u' };
  if (
    rule.label !== undefined &&
    (typeof rule.label !== 'string' || rule.label.length > 40 || /[[\]\n]/.test(rule.label))
  )
    return {
      ok: false,
      reason: 'label must be at most 40 characters, without brackets or newlines',
    };
  let re: RE2JS;
  try {
    re = compileRe2(rule.pattern, flags);
  } catch {
    return {
      ok: false,
      reason: 'pattern does not compile (RE2 syntax: no look-around or backreferences)',
    };
  }
  if (re.programSize() > MAX_PROGRAM)
    return { ok: false, reason: `pattern too complex (over ${MAX_PROGRAM} RE2 instructions)` };
  if (re.test('')) return { ok: false, reason: 'pattern matches the empty string' };
  return { ok: true };
}

export interface CompiledCustomRule {
  readonly type: `custom:${string}`;
  readonly re: RE2JS;
  readonly size: number;
  readonly placeholder: string;
}

/** Compiles rules for the masker; an invalid rule throws (fail closed: the message is refused). */
export function compileCustomRules(rules: readonly CustomRule[]): CompiledCustomRule[] {
  return rules.map((rule) => {
    const check = validateCustomRule(rule);
    if (!check.ok) throw new Error(`custom rule ${String(rule.id)} is invalid: ${check.reason}`);
    const re = compileRe2(rule.pattern, rule.flags ?? '');
    return {
      type: `custom:${rule.id}`,
      re,
      size: re.programSize(),
      placeholder: `[${rule.label ?? 'secret'} hidden]`,
    };
  });
}

/**
 * Claims every match of the organisation's rules. The DFA answers first whether a rule matches
 * at all (one pass, no positions); only then does the NFA find the spans, within the budget.
 * Throws (the message is refused) on a text over the input cap or over the budget.
 */
export function claimCustom(
  text: string,
  rules: readonly CompiledCustomRule[],
  claims: Claim[],
): void {
  if (text.length > CUSTOM_RULE_MAX_INPUT) throw new RangeError('text too long for custom rules');
  let budget = CUSTOM_RULE_BUDGET;
  for (const rule of rules) {
    if (!rule.re.test(text)) continue;
    budget -= text.length * rule.size;
    if (budget < 0) throw new RangeError('custom rules over their time budget');
    const m = rule.re.matcher(text);
    while (m.find()) {
      const start = m.start();
      const end = m.end();
      if (end > start) claims.push({ start, end, type: rule.type, render: rule.placeholder });
    }
  }
}
