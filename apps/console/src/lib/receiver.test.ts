import { maskText } from '@parley/masking';
import { beforeEach, describe, expect, it } from 'vitest';
import { clipboardText, clearCopies, copiedFromElsewhere, noteCopy } from './receiver';
import { clearDrafts, draftOf, keepDraft } from './drafts';

describe('confirming the receiver', () => {
  beforeEach(() => clearDrafts());

  it('puts a masked card on the clipboard without any of its digits', () => {
    const shown = maskText('card 4242 4242 4242 4242 thanks, order 48213').text;
    expect(shown).toContain('4242'); // the thread shows the last four
    const copied = clipboardText(`Vera: ${shown}`);
    expect(copied).not.toMatch(/4242/);
    expect(copied).toContain('•••• •••• •••• ••••');
    // Digits that are no masked value stay as they are.
    expect(copied).toContain('order 48213');
  });

  it('asks when the pasted text was copied from another conversation', () => {
    noteCopy('conv-a', 'Vera', 'Your refund  is on its way');
    expect(copiedFromElsewhere('conv-b', 'Your refund is on its way')).toBe('Vera');
    expect(copiedFromElsewhere('conv-b', 'refund is on')).toBe('Vera');
    // The same conversation, or text copied from elsewhere, pastes without asking.
    expect(copiedFromElsewhere('conv-a', 'Your refund is on its way')).toBeNull();
    expect(copiedFromElsewhere('conv-b', 'Something else entirely')).toBeNull();
  });

  it('forgets the last copy at sign-out', () => {
    noteCopy('conv-a', 'Vera', 'hello there');
    clearDrafts();
    expect(copiedFromElsewhere('conv-b', 'hello there')).toBeNull();
    noteCopy('conv-a', 'Vera', 'hello there');
    clearCopies();
    expect(copiedFromElsewhere('conv-b', 'hello there')).toBeNull();
  });

  it('never carries a draft from one conversation to another', () => {
    keepDraft('conv-a', 'half a reply for Vera');
    expect(draftOf('conv-b')).toBe('');
    expect(draftOf('conv-a')).toBe('half a reply for Vera');
    keepDraft('conv-a', '');
    expect(draftOf('conv-a')).toBe('');
  });
});
