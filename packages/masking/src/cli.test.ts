import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runMaskCli } from './cli';

async function run(lines: string[]): Promise<{ code: number; out: unknown[] }> {
  const input = new PassThrough();
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (c: Buffer) => chunks.push(c));
  input.end(lines.map((l) => `${l}\n`).join(''));
  const code = await runMaskCli(input, output);
  const text = Buffer.concat(chunks).toString('utf8');
  return {
    code,
    out: text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown),
  };
}

describe('runMaskCli', () => {
  it("holds every possible piece and reports split cards by input index (the server's path)", async () => {
    const { code, out } = await run([
      JSON.stringify({ conversation: 'c1', sender: 'visitor', text: 'card 4242 4242' }),
      JSON.stringify({ conversation: 'c2', sender: 'visitor', text: 'hello' }),
      JSON.stringify({ conversation: 'c1', sender: 'visitor', text: '4242 4242' }),
    ]);
    expect(code).toBe(0);
    expect(out).toEqual([
      // held at once: no digit of a possible first piece is ever written
      { text: 'card •••• ••••', findings: [{ type: 'held', start: 5, end: 14 }], redacted: [] },
      { text: 'hello', findings: [], redacted: [] },
      {
        text: '•••• ••••',
        findings: [{ type: 'pan', start: 0, end: 9 }],
        redacted: [
          { index: 0, text: 'card •••• ••••', findings: [{ type: 'pan', start: 5, end: 14 }] },
        ],
      },
    ]);
  });

  it('shows a held number again once the sender has sent enough messages to decide it', async () => {
    const lines = [JSON.stringify({ conversation: 'c', sender: 'visitor', text: 'order 123456' })];
    for (let k = 0; k < 16; k += 1)
      lines.push(
        JSON.stringify({ conversation: 'c', sender: 'visitor', text: `ok ${'x'.repeat(k)}` }),
      );
    const { out } = await run(lines);
    expect(out[0]).toMatchObject({ text: 'order ••••••' });
    const all = out as Array<{ redacted: Array<{ index: number; text: string }> }>;
    const released = all.flatMap((o) => o.redacted);
    expect(released).toEqual([{ index: 0, text: 'order 123456', findings: [] }]);
  });

  it('never writes more of a card split over lines than the display form (same path as the server)', async () => {
    // 4242 4242 4242 4242 in four pieces with other lines between
    const pieces = ['4242', 'hmm', '4242', 'wait', '4242', '4242'];
    const { out } = await run(
      pieces.map((text) => JSON.stringify({ conversation: 'c', sender: 'visitor', text })),
    );
    const written = JSON.stringify(out);
    expect(written).not.toMatch(/4242/);
  });

  it('answers a malformed line with an error line and a non-zero code', async () => {
    const { code, out } = await run([
      'not json',
      JSON.stringify({ conversation: 'c', sender: 'bot', text: 'x' }),
      JSON.stringify({ conversation: 'c', sender: 'agent', text: 'ok' }),
    ]);
    expect(code).toBe(1);
    expect(out).toHaveLength(3);
    expect(out[0]).toHaveProperty('error');
    expect(out[1]).toHaveProperty('error');
    expect(out[2]).toEqual({ text: 'ok', findings: [], redacted: [] });
  });
});
