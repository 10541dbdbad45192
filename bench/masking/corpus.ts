// A realistic generated chat corpus: mostly words, some ordinary numbers
// (prices, dates, times, order numbers, phones), a few card numbers generated
// at random (Luhn-valid, never real). Seeded, so every run sees the same text.

export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'hi hello thanks please could you help me with my order it arrived yesterday but the box was damaged and ' +
  'one of the items is missing can I get a refund or a replacement I would like to change the delivery address ' +
  'sure let me check that for you what is your order number I can see it here the parcel is on its way ' +
  'we will send a new one today sorry for the trouble is there anything else no that is all have a nice day ' +
  'the size is too small do you have it in a bigger size how long does shipping take to Germany'
).split(' ');

export function randomPan(rand: () => number): string {
  const len = [16, 16, 16, 15, 14, 19][Math.floor(rand() * 6)] ?? 16;
  let body = String(2 + Math.floor(rand() * 8));
  while (body.length < len - 1) body += String(Math.floor(rand() * 10));
  for (let c = 0; c <= 9; c += 1) {
    const cand = body + String(c);
    let sum = 0;
    for (let i = cand.length - 1, dbl = false; i >= 0; i -= 1, dbl = !dbl) {
      let d = Number(cand[i]);
      if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return cand;
  }
  return body + '0';
}

function ordinaryNumber(rand: () => number): string {
  const pick = Math.floor(rand() * 6);
  const n = (max: number): number => Math.floor(rand() * max);
  switch (pick) {
    case 0:
      return `$${n(500)}.${String(n(100)).padStart(2, '0')}`;
    case 1:
      return `2025-${String(1 + n(12)).padStart(2, '0')}-${String(1 + n(28)).padStart(2, '0')}`;
    case 2:
      return `${n(24)}:${String(n(60)).padStart(2, '0')}`;
    case 3:
      return `#${100000 + n(900000)}`;
    case 4:
      return `+1 (${200 + n(800)}) ${200 + n(800)}-${1000 + n(9000)}`;
    default:
      return String(n(100));
  }
}

/** `count` chat messages of 3 to 30 words; about 1 in 200 carries a card number, 1 in 8 an ordinary number. */
export function chatCorpus(count: number, seed = 42): { messages: string[]; cards: number } {
  const rand = prng(seed);
  const messages: string[] = [];
  let cards = 0;
  for (let i = 0; i < count; i += 1) {
    const words: string[] = [];
    const len = 3 + Math.floor(rand() * 28);
    for (let w = 0; w < len; w += 1) words.push(WORDS[Math.floor(rand() * WORDS.length)] ?? 'ok');
    if (rand() < 0.125) words.splice(Math.floor(rand() * words.length), 0, ordinaryNumber(rand));
    if (rand() < 0.005) {
      const pan = randomPan(rand);
      words.splice(
        Math.floor(rand() * words.length),
        0,
        rand() < 0.5 ? pan : (pan.match(/.{1,4}/g) ?? []).join(' '),
      );
      cards += 1;
    }
    let text = words.join(' ');
    text = text.charAt(0).toUpperCase() + text.slice(1) + (rand() < 0.5 ? '.' : '?');
    messages.push(text);
  }
  return { messages, cards };
}
