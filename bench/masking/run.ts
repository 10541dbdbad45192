// Masking throughput and latency against redact-pii, measured in one run, and
// a detection comparison on the test corpus. Prints figures; not a test.
import { cpus } from 'node:os';
import { SyncRedactor } from 'redact-pii';
import {
  compileOptions,
  createConversationMasker,
  EMPTY_SENDER_STATE,
  maskText,
  maskWithState,
} from '../../packages/masking/src/index';
import type { SenderMaskState } from '../../packages/masking/src/index';
import { NEGATIVE, POSITIVE } from '../../packages/masking/test/corpus';
import { ADVERSARIAL, worstCaseFamily } from '../../packages/masking/test/adversarial';
import { tokenize } from '../../packages/masking/src/tokens';
import { chatCorpus } from './corpus';
import { labelledCorpus, precision, presidioStyle, recall, score as scoreOf } from './detection';
import type { Labelled, Score } from './detection';

const arg = process.argv.indexOf('--messages');
const MESSAGES = arg > 0 ? Number(process.argv[arg + 1]) : 200_000;
const BASELINE_MESSAGES = 3_000; // redact-pii is slow; bounded sample of the same corpus

const { messages, cards } = chatCorpus(MESSAGES);
const bytes = (list: readonly string[]): number =>
  list.reduce((n, m) => n + Buffer.byteLength(m, 'utf8'), 0);
const totalBytes = bytes(messages);

function throughput(
  label: string,
  list: readonly string[],
  fn: (m: string) => unknown,
  rounds: number,
): number {
  for (const m of list.slice(0, 2000)) fn(m); // warm-up
  let best = 0;
  const size = bytes(list);
  for (let r = 0; r < rounds; r += 1) {
    const t0 = process.hrtime.bigint();
    for (const m of list) fn(m);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.max(best, size / 1e6 / s);
  }
  console.log(
    `${label.padEnd(34)} ${best.toFixed(1).padStart(8)} MB/s  (${list.length} messages, ${(size / 1e6).toFixed(2)} MB, best of ${rounds})`,
  );
  return best;
}

function latency(label: string, list: readonly string[], fn: (m: string) => unknown): void {
  const times: number[] = [];
  for (const m of list) {
    const t0 = process.hrtime.bigint();
    fn(m);
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  const q = (p: number): string => (times[Math.floor((times.length - 1) * p)] ?? 0).toFixed(2);
  console.log(`${label.padEnd(34)} median ${q(0.5)} µs, p99 ${q(0.99)} µs, max ${q(1)} µs`);
}

console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, node ${process.version}`,
);
console.log(
  `corpus: ${MESSAGES} messages, ${(totalBytes / 1e6).toFixed(1)} MB, ${cards} card numbers`,
);
console.log('');

const ours = throughput('@parley/masking maskText', messages, (m) => maskText(m), 5);
const masker = createConversationMasker<number>();
let i = 0;
throughput(
  '@parley/masking conversation',
  messages,
  (m) => masker.process(i++ % 2 === 0 ? 'visitor' : 'agent', m, i),
  3,
);
// The server's path: held pieces, a state per sender (two senders alternating, as in a chat).
const compiled = compileOptions(undefined);
const states: Record<string, SenderMaskState> = {
  visitor: EMPTY_SENDER_STATE,
  agent: EMPTY_SENDER_STATE,
};
let ids = 0;
let turn = 0;
throughput(
  '@parley/masking held path (server)',
  messages,
  (m) => {
    const who = turn++ % 2 === 0 ? 'visitor' : 'agent';
    const r = maskWithState(m, compiled, states[who] ?? EMPTY_SENDER_STATE, () => `p${ids++}`);
    states[who] = r.state;
  },
  3,
);
const redactor = new SyncRedactor();
const sample = messages.slice(0, BASELINE_MESSAGES);
const theirs = throughput('redact-pii SyncRedactor (sample)', sample, (m) => redactor.redact(m), 3);
console.log(`ratio: ${(ours / theirs).toFixed(0)}x redact-pii`);
console.log('');
const typical = messages.slice(0, 50_000);
latency('@parley/masking per message', typical, (m) => maskText(m));
latency('redact-pii per message (sample)', sample.slice(0, 1000), (m) => redactor.redact(m));
console.log('');

// Worst case next to the median: 16 KiB adversarial messages (issue 9, finding 4).
const worst: Array<[string, number]> = [];
for (const [name, text] of ADVERSARIAL) {
  maskText(text);
  const ms: number[] = [];
  for (let r = 0; r < 5; r += 1) {
    const t0 = process.hrtime.bigint();
    maskText(text);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  worst.push([name, ms.sort((x, y) => x - y)[2] ?? 0]);
}
// The generated worst-case family of cost.test.ts: CPU time, median of 5, maskText and held path.
const cpu = (fn: () => unknown): number => {
  for (let w = 0; w < 3; w += 1) fn(); // warm (the server masks on hot code)
  const ms: number[] = [];
  for (let r = 0; r < 5; r += 1) {
    const t = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t);
    ms.push((d.user + d.system) / 1000);
  }
  return ms.sort((x, y) => x - y)[2] ?? 0;
};
const family = worstCaseFamily().map(([name, text]): [string, number, number] => [
  name,
  cpu(() => maskText(text)),
  cpu(() => maskWithState(text, compiled, EMPTY_SENDER_STATE, () => `p${ids++}`)),
]);
family.sort((x, y) => Math.max(y[1], y[2]) - Math.max(x[1], x[2]));
const med = (xs: number[]): number => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
console.log(
  `worst-case family (${family.length} inputs of 16 KiB, CPU ms, median of 5): maskText median ${med(family.map((f) => f[1])).toFixed(2)}, held path median ${med(family.map((f) => f[2])).toFixed(2)}`,
);
for (const [name, a1, a2] of family.slice(0, 5))
  console.log(`  ${name.padEnd(58)} maskText ${a1.toFixed(2)} ms, held path ${a2.toFixed(2)} ms`);
worst.sort((x, y) => y[1] - x[1]);
console.log('worst case, 16 KiB adversarial messages (median of 5 each):');
for (const [name, ms] of worst.slice(0, 5)) console.log(`  ${name.padEnd(40)} ${ms.toFixed(2)} ms`);
console.log(`  (all ${worst.length} shapes: ${worst.map(([, m]) => m.toFixed(1)).join(' ')} ms)`);
console.log('');

// Detection on the test corpus: a card is found when no run of 8 of its first
// digits is left readable; a false positive is any change to a negative case.
/**
 * Digits a reader sees: any notation, number words of seven languages (tens and compounds too) and
 * look-alike letters, as the package's tokenizer reads them (runs of more than 19 digits aside).
 */
const digitsOf = (t: string): string =>
  tokenize(t)
    .tokens.map((x) => x.digits)
    .join('');
const panCases = POSITIVE.filter((c) => c.pan !== undefined);
const score = (fn: (t: string) => string): { found: number; fp: number } => ({
  found: panCases.filter((c) => !digitsOf(fn(c.text)).includes((c.pan ?? '').slice(0, 8))).length,
  fp: NEGATIVE.filter((c) => fn(c.text) !== c.text).length,
});
const a = score((t) => maskText(t).text);
const b = score((t) => redactor.redact(t));
console.log(
  `detection on test corpus: ${panCases.length} card cases, ${NEGATIVE.length} negative cases`,
);
console.log(
  `  @parley/masking: found ${a.found}, missed ${panCases.length - a.found}, false positives ${a.fp}`,
);
console.log(
  `  redact-pii:      found ${b.found}, missed ${panCases.length - b.found}, false positives ${b.fp}`,
);

// Precision and recall: the test corpus and a generated, labelled corpus (bench/masking/detection.ts).
const testCorpus: Labelled[] = [
  ...panCases.map((c) => ({ text: c.text, pan: c.pan ?? '' })),
  ...NEGATIVE.map((c) => ({ text: c.text })),
];
const generated = labelledCorpus(3_000);
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const row = (name: string, s: Score): string =>
  `  ${name.padEnd(26)} precision ${pct(precision(s)).padStart(6)}  recall ${pct(recall(s)).padStart(6)}  (tp ${s.tp}, fn ${s.fn}, fp ${s.fp}, tn ${s.tn})`;
for (const [label, cases] of [
  ['test corpus', testCorpus],
  ['generated corpus (3,000)', generated],
] as const) {
  console.log(`precision / recall, ${label}:`);
  console.log(
    row(
      '@parley/masking',
      scoreOf(cases, (t) => maskText(t).text, digitsOf),
    ),
  );
  console.log(
    row(
      'redact-pii',
      scoreOf(cases, (t) => redactor.redact(t), digitsOf),
    ),
  );
  console.log(row('Presidio-style regex+Luhn', scoreOf(cases, presidioStyle, digitsOf)));
}
