// Stateless masking of one text.
import { compileOptions, finish, prepare } from './scan';
import type { MaskOptions, MaskResult } from './types';

/**
 * Masks card numbers (with nearby expiry and CVV) and other secrets in one
 * text. Findings are offsets in the returned text. Throws when masking cannot
 * complete (invalid options, oversize text); never returns the text unmasked.
 */
export function maskText(text: string, options?: MaskOptions): MaskResult {
  const compiled = compileOptions(options);
  const done = finish(prepare(text, compiled), compiled, { afterCard: false, afterPanEnd: false });
  return { text: done.text, findings: done.findings };
}
