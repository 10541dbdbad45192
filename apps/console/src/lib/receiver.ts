/**
 * Confirming the receiver (issue 14 item 9): "it is possible to respond on the wrong
 * chat box". The console remembers what was last copied out of a conversation's thread
 * (in memory only), so a paste of that text into another conversation's reply asks
 * first; and what is copied out of a thread never carries the digits shown beside a
 * masked value.
 */

interface Copied {
  conversationId: string;
  from: string;
  text: string;
}

let lastCopy: Copied | null = null;

const normalise = (t: string): string => t.replace(/\s+/g, ' ').trim();

/**
 * What goes on the clipboard for a selection in a thread: a masked value keeps no
 * digits (the last four shown after `••••` become bullets too), so a masked card
 * never leaves the page as digits, even in part.
 */
export function clipboardText(selection: string): string {
  return selection.replace(/•[•\s-]*\d[\d\s-]*/g, (run) => run.replace(/\d/g, '•'));
}

/** Records a copy out of one conversation's thread (what was put on the clipboard). */
export function noteCopy(conversationId: string, from: string, text: string): void {
  const t = normalise(text);
  lastCopy = t === '' ? null : { conversationId, from, text: t };
}

/**
 * When pasted text was copied from another conversation's thread, the name of the
 * person it came from; else null. A part of the copied text counts too.
 */
export function copiedFromElsewhere(conversationId: string, pasted: string): string | null {
  const p = normalise(pasted);
  if (!lastCopy || p === '' || lastCopy.conversationId === conversationId) return null;
  return lastCopy.text.includes(p) || p.includes(lastCopy.text) ? lastCopy.from : null;
}

/** Forgets the last copy (sign-out). */
export function clearCopies(): void {
  lastCopy = null;
}
