// JSON Lines front end of the conversation masker, for `parley mask`.
// Node-only (streams); kept out of the browser entry point.
import { createInterface } from 'node:readline';
import { createConversationMasker } from './conversation';
import type { ConversationMasker } from './conversation';
import type { Finding, MaskOptions } from './types';

interface OutputLine {
  text?: string;
  findings?: Finding[];
  redacted?: Array<{ index: number; text: string }>;
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

/**
 * Reads JSON Lines `{conversation, sender, text}` and writes one line per input
 * line: `{text, findings, redacted: [{index, text}]}` or `{error}`. Resolves to
 * the exit code: 0, or 1 when any line was malformed or could not be masked.
 */
export async function runMaskCli(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  options?: MaskOptions,
): Promise<number> {
  const maskers = new Map<string, ConversationMasker<number>>();
  const lines = createInterface({ input, crlfDelay: Infinity });
  let index = 0;
  let code = 0;
  for await (const raw of lines) {
    const lineIndex = index;
    index += 1;
    const parsed = parseLine(raw);
    if (typeof parsed === 'string') {
      code = 1;
      await write(output, { error: parsed });
      continue;
    }
    let masker = maskers.get(parsed.conversation);
    if (masker === undefined) {
      masker = createConversationMasker<number>(options);
      maskers.set(parsed.conversation, masker);
    }
    try {
      const result = masker.process(parsed.sender, parsed.text, lineIndex);
      await write(output, {
        text: result.text,
        findings: result.findings.map((f) => ({ type: f.type, start: f.start, end: f.end })),
        redacted: result.redacted.map((r) => ({ index: r.ref, text: r.text })),
      });
    } catch {
      // The message is refused; the error names no part of the text.
      code = 1;
      await write(output, { error: 'masking failed' });
    }
  }
  return code;
}
