// JSON Lines front end of the held-pieces masker (the server's path, hold.ts), for `parley mask`.
// Node-only (streams); kept out of the browser entry point.
import { createInterface } from 'node:readline';
import { EMPTY_SENDER_STATE, maskWithState, renderHeld } from './hold';
import type { HeldRange, SenderMaskState } from './hold';
import { compileOptions } from './scan';
import type { Finding, MaskOptions } from './types';

interface OutputLine {
  text?: string;
  findings?: Finding[];
  redacted?: Array<{ index: number; text: string; findings: Finding[] }>;
  error?: string;
}

function parseLine(line: string): { conversation: string; sender: string; text: string } | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'invalid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'expected a JSON object';
  const { conversation, sender, text } = value as Record<string, unknown>;
  if (typeof conversation !== 'string') return 'conversation must be a string';
  if (sender !== 'visitor' && sender !== 'agent') return 'sender must be "visitor" or "agent"';
  if (typeof text !== 'string') return 'text must be a string';
  return { conversation, sender, text };
}

function write(output: NodeJS.WritableStream, line: OutputLine): Promise<void> {
  const data = `${JSON.stringify(line)}\n`;
  return new Promise((resolve, reject) => {
    const ok = output.write(data, (err) => (err ? reject(err) : undefined));
    if (ok) resolve();
    else output.once('drain', resolve);
  });
}

/** What is kept of an earlier line whose pieces are not all decided (in memory only, never written). */
interface HeldLine {
  readonly index: number;
  readonly unheld: string;
  readonly ranges: readonly HeldRange[];
  readonly other: readonly Finding[];
  readonly hidden: Set<string>;
  readonly cards: Set<string>;
  readonly pending: Set<string>;
}

interface Conversation {
  readonly states: Map<string, SenderMaskState>;
  /** Piece id -> the line it is in. */
  readonly owners: Map<string, HeldLine>;
}

/**
 * Reads JSON Lines `{conversation, sender, text}` and writes one line per input
 * line: `{text, findings, redacted: [{index, text, findings}]}` or `{error}`. Resolves to
 * the exit code: 0, or 1 when any line was malformed or could not be masked.
 *
 * The same path as the server (hold.ts): each sender's state holds no digit, every possible piece
 * of a split card is held (shown masked), and a later line that decides it lists the earlier line
 * under `redacted` with its new text: the piece shown again (released) or reported as `pan` (part
 * of a card). Pieces still undecided at the end of the input stay masked, as in an open conversation.
 */
export async function runMaskCli(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  options?: MaskOptions,
): Promise<number> {
  const compiled = compileOptions(options);
  const conversations = new Map<string, Conversation>();
  const lines = createInterface({ input, crlfDelay: Infinity });
  let index = 0;
  let code = 0;
  let ids = 0;
  const newId = (): string => `p${(ids += 1).toString(36)}`;
  for await (const raw of lines) {
    const lineIndex = index;
    index += 1;
    const parsed = parseLine(raw);
    if (typeof parsed === 'string') {
      code = 1;
      await write(output, { error: parsed });
      continue;
    }
    let conv = conversations.get(parsed.conversation);
    if (conv === undefined) {
      conv = { states: new Map(), owners: new Map() };
      conversations.set(parsed.conversation, conv);
    }
    let result: ReturnType<typeof maskWithState>;
    try {
      result = maskWithState(
        parsed.text,
        compiled,
        conv.states.get(parsed.sender) ?? EMPTY_SENDER_STATE,
        newId,
      );
    } catch {
      // The message is refused; the error names no part of the text.
      code = 1;
      await write(output, { error: 'masking failed' });
      continue;
    }
    conv.states.set(parsed.sender, result.state);
    const touched = decide(conv, result.released, result.cards);
    if (result.ranges.length > 0) {
      const held: HeldLine = {
        index: lineIndex,
        unheld: result.unheld,
        ranges: result.ranges,
        other: result.unheldFindings,
        hidden: new Set(result.hidden),
        cards: new Set(),
        pending: new Set(result.ranges.map((r) => r.id)),
      };
      for (const r of result.ranges) conv.owners.set(r.id, held);
    }
    await write(output, {
      text: result.text,
      findings: result.findings.map((f) => ({ type: f.type, start: f.start, end: f.end })),
      redacted: [...touched]
        .sort((a, b) => a.index - b.index)
        .map((h) => {
          const shown = renderHeld(h.unheld, h.ranges, h.hidden, h.other, h.cards);
          return { index: h.index, text: shown.text, findings: shown.findings };
        }),
    });
  }
  return code;
}

/** Carries out the decisions of one line on earlier lines; returns the lines whose text changed. */
function decide(
  conv: Conversation,
  released: readonly string[],
  cards: readonly string[],
): Set<HeldLine> {
  const touched = new Set<HeldLine>();
  for (const [list, card] of [
    [released, false],
    [cards, true],
  ] as const)
    for (const id of list) {
      const h = conv.owners.get(id);
      if (h === undefined) continue; // a piece of this very line, or one decided already
      if (card) h.cards.add(id);
      else h.hidden.delete(id);
      h.pending.delete(id);
      conv.owners.delete(id);
      touched.add(h);
    }
  return touched;
}
