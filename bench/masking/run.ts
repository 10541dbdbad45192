// Masking throughput and latency against redact-pii, measured in one run, and
// a detection comparison on the test corpus. Prints figures; not a test.
import { cpus } from 'node:os';
import { SyncRedactor } from 'redact-pii';
import { createConversationMasker, maskText } from '../../packages/masking/src/index';
import { NEGATIVE, POSITIVE } from '../../packages/masking/test/corpus';
import { chatCorpus } from './corpus';

const MESSAGES = 200_000;
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
const redactor = new SyncRedactor();
const sample = messages.slice(0, BASELINE_MESSAGES);
const theirs = throughput('redact-pii SyncRedactor (sample)', sample, (m) => redactor.redact(m), 3);
console.log(`ratio: ${(ours / theirs).toFixed(0)}x redact-pii`);
console.log('');
const typical = messages.slice(0, 50_000);
latency('@parley/masking per message', typical, (m) => maskText(m));
latency('redact-pii per message (sample)', sample.slice(0, 1000), (m) => redactor.redact(m));
console.log('');

// Detection on the test corpus: a card is found when no run of 8 of its first
// digits is left readable; a false positive is any change to a negative case.
const digitsOf = (t: string): string =>
  (t.match(/\p{Nd}/gu) ?? []).map((d) => String((d.codePointAt(0) ?? 0) & 0xf)).join('');
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
