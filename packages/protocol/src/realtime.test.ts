import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits';
import { ClientFrameSchema, fastSendFrame, SendFrameSchema } from './realtime';

// The hot path takes fastSendFrame's answer without running the schema: it must never accept a
// frame the schema refuses, and what it returns must be exactly the schema's output.
const maybeString = (max: number) =>
  fc.oneof(
    fc.string({ maxLength: max }),
    fc.string({ minLength: max - 2, maxLength: max + 2 }),
    fc.constant(''),
    fc.integer(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(fc.string(), { maxLength: 2 }),
  );
const frames = fc.record(
  {
    type: fc.constantFrom('send', 'resume', 'Send', 1),
    clientMsgId: maybeString(64),
    conversationId: maybeString(64),
    text: fc.oneof(
      maybeString(20),
      fc.constant('x'.repeat(LIMITS.maxTextLength)),
      fc.constant('x'.repeat(LIMITS.maxTextLength + 1)),
      fc.constant('\u{1F600}'.repeat(LIMITS.maxTextLength / 2 + 1)),
    ),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

describe('fastSendFrame', () => {
  it('accepts only what SendFrameSchema accepts, and returns the same output', () => {
    fc.assert(
      fc.property(fc.oneof(frames, fc.anything()), (json) => {
        const fast = fastSendFrame(json);
        if (fast === undefined) return;
        const parsed = SendFrameSchema.safeParse(json);
        expect(parsed.success).toBe(true);
        expect(fast).toStrictEqual(parsed.data);
        expect(ClientFrameSchema.parse(json)).toStrictEqual(fast);
      }),
      { numRuns: 5000 },
    );
  });

  it('takes an ordinary send frame without the schema and drops unknown fields', () => {
    const json: unknown = JSON.parse(
      '{"type":"send","clientMsgId":"m1","conversationId":"c1","text":"hello","admin":true}',
    );
    expect(fastSendFrame(json)).toStrictEqual({
      type: 'send',
      clientMsgId: 'm1',
      conversationId: 'c1',
      text: 'hello',
    });
  });

  it('leaves empty, oversized and mistyped fields to the schema', () => {
    const ok = { type: 'send', clientMsgId: 'm1', conversationId: 'c1', text: 'hi' };
    for (const bad of [
      { ...ok, text: '' },
      { ...ok, text: 'x'.repeat(LIMITS.maxTextLength + 1) },
      { ...ok, clientMsgId: 'x'.repeat(65) },
      { ...ok, conversationId: 7 },
      { ...ok, type: 'resume' },
    ]) {
      expect(fastSendFrame(bad)).toBeUndefined();
      expect(SendFrameSchema.safeParse(bad).success).toBe(false);
    }
  });
});
