import { describe, expect, it } from 'vitest';
import { talkingToText } from '@parley/protocol';
import type { MessageRow } from '../../store';
import { presentMessage } from './presenter';

const row = (senderKind: MessageRow['senderKind'], text: string): MessageRow => ({
  id: 'm1',
  orgId: 'o1',
  conversationId: 'c1',
  seq: 3,
  senderKind,
  senderId: null,
  senderName: null,
  clientMsgId: null,
  text,
  masked: [],
  createdAt: 1000,
});

describe('presentMessage: system lines by code', () => {
  it('names a line the server wrote, so each client can show it in its language', () => {
    expect(presentMessage(row('system', talkingToText('Ada'))).system).toEqual({
      code: 'talking_to',
      params: { name: 'Ada' },
    });
  });

  it('never names a person’s text that happens to read like one', () => {
    const m = presentMessage(row('visitor', talkingToText('Ada')));
    expect(m.system).toBeUndefined();
    expect('system' in m).toBe(false);
    expect(m.text).toBe('You are now talking to Ada.');
  });
});
