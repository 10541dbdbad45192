import { randomUUID } from 'node:crypto';
import {
  compileOptions,
  EMPTY_SENDER_STATE,
  maskWithState,
  renderHeld,
  type Compiled,
  type MaskOptions,
} from '@parley/masking';
import { kinds, type MaskedMessage, type MessageMasker } from './masking';

export interface MaskerOptions {
  /** Options per organisation (rules, PAN display, custom rules); defaults when undefined. */
  optionsFor?: (orgId: string) => MaskOptions | undefined;
}

/**
 * The masker of every message and field. It keeps no state of its own: a sender's state comes
 * with each call and goes back with the result, to be stored with the message (law 1).
 */
export function createMessageMasker(opts: MaskerOptions = {}): MessageMasker {
  // Compiling options costs more than masking a short message: once per settings object.
  const compiled = new WeakMap<MaskOptions, Compiled>();
  const defaults = compileOptions(undefined);
  function compiledFor(orgId: string): Compiled {
    const options = opts.optionsFor?.(orgId);
    if (options === undefined) return defaults;
    let c = compiled.get(options);
    if (c === undefined) {
      c = compileOptions(options);
      compiled.set(options, c);
    }
    return c;
  }
  const newId = (): string => randomUUID().slice(0, 13);

  return {
    mask(text, state, orgId): MaskedMessage {
      const r = maskWithState(text, compiledFor(orgId), state, newId);
      return {
        text: r.text,
        masked: kinds(r.findings),
        state: r.state,
        changed: r.changed,
        unheld: r.unheld,
        ranges: r.ranges,
        hidden: r.hidden,
        cards: r.cards,
        released: r.released,
      };
    },
    maskField(text, orgId, holdDigits = false) {
      const r = maskWithState(text, compiledFor(orgId), EMPTY_SENDER_STATE, newId);
      // A field is never revealed later: with holdDigits every piece of it stays hidden.
      const all = new Set(holdDigits ? r.ranges.map((x) => x.id) : []);
      const shown = renderHeld(r.unheld, r.ranges, all, []);
      const other = r.findings.filter((f) => f.type !== 'held');
      return {
        text: shown.text,
        masked: kinds([...other, ...shown.findings]),
        state: r.state,
      };
    },
  };
}
