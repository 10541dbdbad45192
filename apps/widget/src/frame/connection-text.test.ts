import { describe, expect, it } from 'vitest';
import { connectionText } from './connection-text';

describe('connection status wording', () => {
  it('says offline plainly and counts down to the next reconnect', () => {
    const now = 1_000_000;
    expect(connectionText('offline', null, now)).toBe('Offline…');
    expect(connectionText('reconnecting', now + 7_200, now)).toBe('Reconnecting in 8 s…');
    expect(connectionText('reconnecting', now + 500, now)).toBe('Reconnecting in 1 s…');
    // A retry already due never shows a negative figure.
    expect(connectionText('reconnecting', now - 50, now)).toBe('Reconnecting in 0 s…');
    expect(connectionText('connected', null, now)).toBe('Connected');
  });
});
