import { describe, expect, it } from 'vitest';
import { LIMITS } from '@parley/protocol';
import { MAX_TEXT_LENGTH } from './limits';

describe('widget limits', () => {
  it('match the protocol limits', () => {
    expect(MAX_TEXT_LENGTH).toBe(LIMITS.maxTextLength);
  });
});
