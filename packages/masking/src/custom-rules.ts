// Organisation-defined regex rules: validated on save so that a rule cannot
// stall the masker (catastrophic backtracking) or match nothing useful.
import type { CustomRule } from './types';

export type CustomRuleCheck =
  { readonly ok: true } | { readonly ok: false; readonly reason: string };

const MAX_PATTERN = 512;
/** Custom rules run only on texts up to this size; a longer text is refused. */
export const CUSTOM_RULE_MAX_INPUT = 16 * 1024;
const ID = /^[a-z0-9_-]{1,40}$/;
const FLAGS = /^(?!.*(.).*\1)[imsu]*$/;
const MAX_UNBOUNDED = 4;

interface Group {
  quantified: boolean; // contains a quantifier
  alternatives: string[];
  current: string;
}

/** Length of a quantifier at `i` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each maybe lazy), and whether it repeats. */
function quantifierAt(
  p: string,
  i: number,
): { len: number; repeats: boolean; unbounded: boolean } | undefined {
  const c = p[i];
  let len: number;
  let repeats = false;
  let unbounded = false;
  if (c === '*' || c === '+') [len, repeats, unbounded] = [1, true, true];
  else if (c === '?') len = 1;
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
    if (m === null) return undefined;
    len = m[0].length;
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
    repeats = max > 1;
    unbounded = max === Infinity;
  } else return undefined;
  if (p[i + len] === '?') len += 1;
  return { len, repeats, unbounded };
}

/** Alternatives that can start with the same text make a repeated group try both ways. */
function alternativesOverlap(alts: readonly string[]): boolean {
  const literal = /^(?:[^\\[\](){}.*+?^$|]|\\[^dDwWsSbBpPkc0-9])+$/;
  if (!alts.every((a) => literal.test(a) && a.length > 0)) return true;
  const firsts = alts.map((a) => (a.startsWith('\\') ? a.slice(0, 2) : a[0]));
  return new Set(firsts).size !== firsts.length;
}

/** Scan the pattern for star height > 1, overlapping alternation under a repeat, and backreferences. */
function backtrackingRisk(p: string): string | undefined {
  const stack: Group[] = [{ quantified: false, alternatives: [], current: '' }];
  let unbounded = 0;
  let inClass = false;
  for (let i = 0; i < p.length; i += 1) {
    const c = p[i] ?? '';
    const top = stack[stack.length - 1];
    if (top === undefined) return 'unbalanced parentheses';
    if (c === '\\') {
      const next = p[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || next === 'k')) return 'backreferences are not allowed';
      top.current += c + next;
      i += 1;
    } else if (inClass) {
      top.current += c;
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      top.current += c;
    } else if (c === '(') {
      stack.push({ quantified: false, alternatives: [], current: '' });
      const m = /^\?(?:[:=!]|<[=!]|<[A-Za-z][A-Za-z0-9]*>)/.exec(p.slice(i + 1));
      if (m !== null) i += m[0].length;
    } else if (c === '|') {
      top.alternatives.push(top.current);
      top.current = '';
    } else if (c === ')') {
      const group = stack.pop();
      const parent = stack[stack.length - 1];
      if (group === undefined || parent === undefined) return 'unbalanced parentheses';
      group.alternatives.push(group.current);
      const q = quantifierAt(p, i + 1);
      if (q?.repeats === true) {
        if (group.quantified) return 'nested quantifiers (star height > 1)';
        if (group.alternatives.length > 1 && alternativesOverlap(group.alternatives))
          return 'overlapping alternation under a quantifier';
        if (q.unbounded) unbounded += 1;
        i += q.len;
        parent.quantified = true;
      } else if (q !== undefined) i += q.len;
      parent.quantified ||= group.quantified;
      parent.current += '(…)';
    } else {
      const q = quantifierAt(p, i);
      if (q !== undefined) {
        if (q.repeats) top.quantified = true;
        if (q.unbounded) unbounded += 1;
        top.current += '*';
        i += q.len - 1;
      } else top.current += c;
    }
  }
  if (stack.length !== 1) return 'unbalanced parentheses';
  if (unbounded > MAX_UNBOUNDED) return `more than ${MAX_UNBOUNDED} unbounded quantifiers`;
  return undefined;
}

/**
 * Checks an organisation's rule before it is saved: id and flags, size, that it
 * compiles, does not match the empty string, and has no shape prone to
 * catastrophic backtracking (nested quantifiers, overlapping alternation under
 * a quantifier, backreferences).
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
  let re: RegExp;
  try {
    re = new RegExp(rule.pattern, flags);
  } catch {
    return { ok: false, reason: 'pattern does not compile' };
  }
  if (re.test('')) return { ok: false, reason: 'pattern matches the empty string' };
  const risk = backtrackingRisk(rule.pattern);
  if (risk !== undefined) return { ok: false, reason: risk };
  return { ok: true };
}

export interface CompiledCustomRule {
  readonly type: `custom:${string}`;
  readonly re: RegExp;
  readonly placeholder: string;
}

/** Compiles rules for the masker; an invalid rule throws (fail closed: the message is refused). */
export function compileCustomRules(rules: readonly CustomRule[]): CompiledCustomRule[] {
  return rules.map((rule) => {
    const check = validateCustomRule(rule);
    if (!check.ok) throw new Error(`custom rule ${String(rule.id)} is invalid: ${check.reason}`);
    return {
      type: `custom:${rule.id}`,
      re: new RegExp(rule.pattern, `${rule.flags ?? ''}g`),
      placeholder: `[${rule.label ?? 'secret'} hidden]`,
    };
  });
}
