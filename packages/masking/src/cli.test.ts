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
  it('writes one line per input line and reports split cards by input index', async () => {
    const { code, out } = await run([
      JSON.stringify({ conversation: 'c1', sender: 'visitor', text: 'card 4242 4242' }),
      JSON.stringify({ conversation: 'c2', sender: 'visitor', text: 'hello' }),
      JSON.stringify({ conversation: 'c1', sender: 'visitor', text: '4242 4242' }),
    ]);
    expect(code).toBe(0);
    expect(out).toEqual([
      { text: 'card 4242 4242', findings: [], redacted: [] },
      { text: 'hello', findings: [], redacted: [] },
      {
        text: '•••• 4242',
        findings: [{ type: 'pan', start: 0, end: 9 }],
        redacted: [{ index: 0, text: 'card •••• ••••' }],
      },
    ]);
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
