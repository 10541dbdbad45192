import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureDist, ROOT } from './test-dist';

// The real command, as `npx parley mask` runs it: a child process fed on stdin.
beforeAll(ensureDist, 200_000);

interface OutLine {
  text?: string;
  findings?: Array<{ type: string; start: number; end: number }>;
  redacted?: Array<{ index: number; text: string; findings?: unknown[] }>;
  error?: string;
}

function mask(lines: string[]): { status: number | null; out: OutLine[]; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'mask'], {
    cwd: ROOT,
    input: lines.map((l) => `${l}\n`).join(''),
    encoding: 'utf8',
    timeout: 60_000,
  });
  const out = r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as OutLine);
  return { status: r.status, out, stderr: r.stderr };
}

const line = (conversation: string, sender: string, text: string): string =>
  JSON.stringify({ conversation, sender, text });

describe('parley mask (child process)', () => {
  it('writes one line per input line, holds possible pieces, reports a split card by input index, and exits 1 on a malformed line', () => {
    const { status, out, stderr } = mask([
      line('c1', 'visitor', 'my card is 4242 4242'),
      line('c2', 'visitor', 'hello there'),
      '{"conversation": "c1", "sender": ', // malformed JSON
      line('c1', 'agent', 'go on'),
      line('c1', 'visitor', '4242 4242'),
      line('c2', 'visitor', 'paid with 5555 5555 5555 4444, exp 12/29'),
    ]);
    expect(out).toHaveLength(6);
    expect(status).toBe(1);
    expect(stderr).not.toMatch(/4242/);
    // The same held-pieces path as the server: a possible first piece is never written in clear.
    expect(out[0]).toEqual({
      text: 'my card is •••• ••••',
      findings: [{ type: 'held', start: 11, end: 20 }],
      redacted: [],
    });
    expect(out[1]).toEqual({ text: 'hello there', findings: [], redacted: [] });
    expect(out[2]).toEqual({ error: 'invalid JSON' });
    expect(out[3]).toEqual({ text: 'go on', findings: [], redacted: [] });
    // The agent's message in between does not break the visitor's split number.
    expect(out[4]?.text).toBe('•••• ••••');
    expect(out[4]?.redacted).toEqual([
      { index: 0, text: 'my card is •••• ••••', findings: [{ type: 'pan', start: 11, end: 20 }] },
    ]);
    expect(JSON.stringify(out)).not.toMatch(/4242/);
    // A card with only its expiry after it ends the message: its last four are held until no later
    // piece can extend it (docs/masking.md, "A whole card at the end of a message").
    expect(out[5]?.text).toBe('paid with •••• •••• •••• ••••, exp [expiry hidden]');
    expect(out[5]?.findings?.map((f) => f.type)).toEqual(['pan', 'expiry']);
    expect(out[5]?.redacted).toEqual([]);
  });

  it('exits 0 when every line is well formed', () => {
    const { status, out } = mask([line('c', 'visitor', 'hi'), line('c', 'agent', 'hello')]);
    expect(status).toBe(0);
    expect(out).toEqual([
      { text: 'hi', findings: [], redacted: [] },
      { text: 'hello', findings: [], redacted: [] },
    ]);
  });
});
