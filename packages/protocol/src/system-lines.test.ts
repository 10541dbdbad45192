import { describe, expect, it } from 'vitest';
import { joinedText } from './desk';
import { talkingToText } from './routing';
import { SYSTEM_LINES, systemLineOf } from './system-lines';

describe('system lines by code', () => {
  it('names every line the server writes, with its parameters', () => {
    expect(systemLineOf(talkingToText('Ada Lovelace'))).toEqual({
      code: 'talking_to',
      params: { name: 'Ada Lovelace' },
    });
    expect(systemLineOf(joinedText('Grace'))).toEqual({
      code: 'joined',
      params: { name: 'Grace' },
    });
    expect(systemLineOf(SYSTEM_LINES.card_hidden())).toEqual({ code: 'card_hidden', params: {} });
  });

  it('keeps a name with dots, spaces and the template words in it', () => {
    const name = 'Dr. J. joined the conversation Smith.';
    expect(systemLineOf(joinedText(name))?.params.name).toBe(name);
    expect(systemLineOf(talkingToText('A. B.'))?.params.name).toBe('A. B.');
  });

  it('names nothing else', () => {
    expect(systemLineOf('You are now talking to')).toBeUndefined();
    expect(systemLineOf('Hello, you are now talking to Ada.')).toBeUndefined();
    expect(systemLineOf('')).toBeUndefined();
    expect(systemLineOf(`${SYSTEM_LINES.card_hidden()} `)).toBeUndefined();
  });
});
