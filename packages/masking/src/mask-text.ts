// Stateless masking of one text.
import { BARE, CLEAN, DIGIT_RULES, digitFacts, prefilter } from './prefilter';
import { maskDense } from './dense';
import { compileOptions, finish, maskDigitRules, prepareUnlessDense } from './scan';
import type { MaskOptions, MaskResult } from './types';

/**
 * Masks card numbers (with nearby expiry and CVV) and other secrets in one
 * text. Findings are offsets in the returned text. Throws when masking cannot
 * complete (invalid options, oversize text); never returns the text unmasked.
 */
export function maskText(text: string, options?: MaskOptions): MaskResult {
  const compiled = compileOptions(options);
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  if (text.length > compiled.maxTextLength) throw new RangeError('text exceeds maxTextLength');
  // The common message: proven clean in one pass, returned as it came.
  const verdict = prefilter(text, compiled);
  if (verdict === CLEAN || verdict === BARE) return { text, findings: [] };
  if (verdict === DIGIT_RULES)
    return maskDigitRules(text, compiled, digitFacts.digits, digitFacts.lettered);
  // More than 64 digit runs or digit words: every digit hidden, in linear time (dense.ts).
  const p = prepareUnlessDense(text, compiled);
  if (p === undefined) return maskDense(text, compiled);
  const done = finish(p, compiled, { afterCard: false, afterPanEnd: false });
  return { text: done.text, findings: done.findings };
}
