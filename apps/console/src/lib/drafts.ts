import { clearCopies } from './receiver';

/**
 * Reply drafts by conversation, in memory only (never in storage: a draft is
 * not yet masked). They outlive the reply box, so the idle lock, which
 * removes the conversation from the page, does not lose what was typed.
 */
const drafts = new Map<string, string>();

export const draftOf = (key: string | undefined): string =>
  key === undefined ? '' : (drafts.get(key) ?? '');

export function keepDraft(key: string | undefined, text: string): void {
  if (key === undefined) return;
  if (text === '') drafts.delete(key);
  else drafts.set(key, text);
}

/** Forgets every draft and the last copy out of a thread (sign-out). */
export function clearDrafts(): void {
  drafts.clear();
  clearCopies();
}
