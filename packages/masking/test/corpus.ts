// Detection corpus: every supported form, positive and negative. Only the
// documented test card numbers appear here.
import type { FindingType } from '../src/types';

export interface CorpusCase {
  readonly name: string;
  readonly text: string;
  /** Finding types expected (in any order); empty: the text must come back unchanged. */
  readonly expect: readonly FindingType[];
  /** A card number in the text: none of its digits but the last four may remain. */
  readonly pan?: string;
}

/** Writes ASCII digits in another \p{Nd} script, given the code point of its zero. */
export function inScript(digits: string, zero: number): string {
  return [...digits]
    .map((d) => (d >= '0' && d <= '9' ? String.fromCodePoint(zero + Number(d)) : d))
    .join('');
}

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
export const spell = (digits: string): string =>
  [...digits].map((d) => WORDS[Number(d)] ?? d).join(' ');

export const TEST_PANS = [
  '4242424242424242',
  '4000056655665556',
  '5555555555554444',
  '2223003122003222',
  '5200828282828210',
  '378282246310005',
  '371449635398431',
  '6011111111111117',
  '6011000990139424',
  '3056930009020004',
  '36227206271667',
  '3566002020360505',
  '6200000000000005',
  '4000000000000002',
];

const V = '4242424242424242';
const g4 = (d: string, sep: string): string => d.match(/.{1,4}/g)?.join(sep) ?? d;

const pan = (name: string, text: string, number = V, more: FindingType[] = []): CorpusCase => ({
  name,
  text,
  expect: ['pan', ...more],
  pan: number,
});
const clean = (name: string, text: string): CorpusCase => ({ name, text, expect: [] });

export const POSITIVE: readonly CorpusCase[] = [
  ...TEST_PANS.map((p) => pan(`plain ${p.slice(0, 4)}…${p.length}`, `my card is ${p} thanks`, p)),
  ...TEST_PANS.map((p) => pan(`grouped ${p.slice(0, 4)}…${p.length}`, `card: ${g4(p, ' ')}`, p)),
  pan('amex 4-6-5', 'amex 3782 822463 10005 ok', '378282246310005'),
  pan('diners 4-6-4', 'diners 3622 720627 1667', '36227206271667'),
  pan('dashes', g4(V, '-')),
  pan('dots', g4(V, '.')),
  pan('slashes', g4(V, '/')),
  pan('spaced dashes', g4(V, ' - ')),
  pan('no-break spaces', g4(V, '\u00a0')),
  pan('narrow no-break spaces', g4(V, '\u202f')),
  pan('thin spaces', g4(V, '\u2009')),
  pan('newlines', g4(V, '\n')),
  pan('CRLF', g4(V, '\r\n')),
  pan('tabs', g4(V, '\t')),
  pan('zero-width spaces', g4(V, '\u200b')),
  pan('zero-width between every digit', [...V].join('\u200b')),
  pan('word joiner and BOM', g4(V, '\u2060\ufeff')),
  pan('soft hyphens', g4(V, '\u00ad')),
  pan('bidi marks', g4(V, '\u200e')),
  pan('emoji', g4(V, '🙂')),
  pan('ZWJ emoji', g4(V, ' 👨‍👩‍👧 ')),
  pan('keycap emoji', [...V].map((d) => `${d}\ufe0f\u20e3`).join('')),
  pan('punctuation', g4(V, ' | ')),
  pan('asterisks', g4(V, '*')),
  pan('underscores', g4(V, '_')),
  pan(
    'HTML bold',
    g4(V, ' ')
      .split(' ')
      .map((x) => `<b>${x}</b>`)
      .join(' '),
  ),
  pan(
    'HTML spans with attributes',
    g4(V, ' ')
      .split(' ')
      .map((x) => `<span class="g">${x}</span>`)
      .join(''),
  ),
  pan('HTML entities', g4(V, '&nbsp;')),
  pan('numeric entities', g4(V, '&#160;')),
  pan(
    'Markdown bold',
    g4(V, ' ')
      .split(' ')
      .map((x) => `**${x}**`)
      .join(' '),
  ),
  pan('Markdown code', `\`${g4(V, ' ')}\``),
  pan(
    'Markdown italics',
    g4(V, ' ')
      .split(' ')
      .map((x) => `_${x}_`)
      .join(' '),
  ),
  pan('in URL query', `https://shop.example/pay?card=${V}&amount=10`),
  pan('in URL path', `https://shop.example/c/${g4(V, '-')}/confirm`),
  pan('in URL, %20-encoded', `https://shop.example/?q=${g4(V, '%20')}`),
  pan('full-width digits', inScript(g4(V, ' '), 0xff10)),
  pan('Arabic-Indic digits', inScript(V, 0x0660)),
  pan('Extended Arabic-Indic digits', inScript(g4(V, ' '), 0x06f0)),
  pan('Devanagari digits', inScript(V, 0x0966)),
  pan('Bengali digits', inScript(V, 0x09e6)),
  pan('Thai digits', inScript(V, 0x0e50)),
  pan('mathematical bold digits', inScript(V, 0x1d7ce)),
  pan('mixed scripts', inScript(V.slice(0, 8), 0x0966) + V.slice(8)),
  pan('spelled out', spell(V)),
  pan('spelled out, capitals', spell(V).toUpperCase()),
  pan('spelled out with commas', [...V].map((d) => WORDS[Number(d)]).join(', ')),
  pan('spelled out with "oh"', `five two oh oh ${spell('828282828210')}`, '5200828282828210'),
  pan(
    'double and triple',
    'six oh one one one one one one one one one one one one one seven',
    '6011111111111117',
  ),
  pan('digits and words mixed', `4242 ${spell('4242')} 4242 4242`),
  pan('words then digits', `${spell('42424242')} 42424242`),
  pan('card then expiry and CVV', `${g4(V, ' ')} 12/29 123`, V, ['expiry', 'cvv']),
  pan('card with labelled expiry and CVV', `card ${V} exp 09/28 cvc 4321`, V, ['expiry', 'cvv']),
  pan('Amex with CID', `3782 822463 10005 1234`, '378282246310005', ['cvv']),
  pan('two cards', `${V} and ${TEST_PANS[2] ?? ''}`, V, ['pan']),
  { name: 'CVV by context word', text: 'the security code is 987', expect: ['cvv'] },
  { name: 'CVV2 label', text: 'CVV2: 4567', expect: ['cvv'] },
  { name: 'expiry by context word', text: 'expiry date 03/2031', expect: ['expiry'] },
  { name: 'valid thru', text: 'valid thru 11-27', expect: ['expiry'] },
  { name: 'IBAN grouped', text: 'IBAN: DE89 3704 0044 0532 0130 00, thanks', expect: ['iban'] },
  { name: 'IBAN compact', text: 'send to GB82WEST12345698765432 please', expect: ['iban'] },
  { name: 'IBAN lowercase', text: 'fr1420041010050500013m02606', expect: ['iban'] },
  { name: 'US SSN', text: 'my ssn is 078-05-1120', expect: ['ssn'] },
  { name: 'UK NI number', text: 'NI number AB 12 34 56 C', expect: ['uk_nino'] },
  { name: 'UK NI number compact', text: 'nino: JG103759A', expect: ['uk_nino'] },
  { name: 'AWS access key', text: 'key AKIAIOSFODNN7EXAMPLE here', expect: ['aws_access_key'] },
  {
    name: 'GitHub token',
    text: `token ghp_${'a1B2c3D4e5'.repeat(4).slice(0, 36)}`,
    expect: ['github_token'],
  },
  {
    name: 'GitHub fine-grained token',
    text: `github_pat_${'11ABCDEFG0'.repeat(3)}_${'xY'.repeat(20)}`,
    expect: ['github_token'],
  },
  {
    name: 'Stripe secret key',
    text: 'use sk_live_4eC39HqLyjWDarjtT1zdp7dc now',
    expect: ['stripe_key'],
  },
  { name: 'Stripe test key', text: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc', expect: ['stripe_key'] },
  {
    name: 'Slack token',
    text: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
    expect: ['slack_token'],
  },
  {
    name: 'Google API key',
    text: `AIza${'SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q'}`,
    expect: ['google_api_key'],
  },
  {
    name: 'JWT',
    text: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    expect: ['jwt'],
  },
  {
    name: 'private key block',
    text: '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
    expect: ['private_key'],
  },
  {
    name: 'unterminated private key',
    text: 'oops -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk',
    expect: ['private_key'],
  },
];

export const NEGATIVE: readonly CorpusCase[] = [
  clean('plain words', 'Hello, I would like to change my delivery address please.'),
  clean('spelled small numbers', 'I ordered two shirts and one pair of shoes, size nine.'),
  clean('US phone', 'call me on +1 (415) 555-2671 after five'),
  clean('UK phone', 'ring +44 20 7946 0958 or 020 7946 0958'),
  clean('international 00 prefix', 'my number 0044 20 7946 0958'),
  clean('French phone', '06 12 34 56 78'),
  clean('price', 'it cost $1,299.99 (was €1.499,00)'),
  clean('big price', 'total 1,234,567,890,123.45'),
  clean('date ISO', 'delivered 2024-03-12 14:30:00'),
  clean('dates and times', 'on 12/03/2024 at 09:45, again 13.03.2024 10:15:30'),
  clean('ISO timestamp', '2024-03-12T14:30:00.123Z'),
  clean('Unix ms timestamp', 'ts=1700000000000'),
  clean('Unix µs timestamp', 'at 1700000000000000 µs'),
  clean('IPv4', 'server 192.168.100.200 and 10.0.0.1'),
  clean('IPv4 list', '203.110.250.101, 198.51.100.220'),
  clean('IPv6', 'fe80::1ff:fe23:4567:890a'),
  clean('UUID', 'id 550e8400-e29b-41d4-a716-446655440000'),
  clean('UUID digits-heavy', 'req 12345678-1234-4234-8234-123456789012'),
  clean('version', 'upgraded from v1.2.3 to 10.15.7.20240312'),
  clean('order reference failing Luhn', 'order 4242424242424241 and 1234567890123'),
  clean('tracking number', 'tracking 1Z999AA10123456784'),
  clean('digit run of 20 containing a card', `ref 99${V}77`),
  clean('very long digit run', '12345678901234567890123456789'),
  clean('hex hash', 'commit 9f86d081884c7d659a2feaa0c55ad015'),
  clean('alphanumeric ref failing Luhn', 'ORD4242424242424241'),
  clean('quantities', 'qty 2, size 10, 3 colours'),
  clean('SSN never issued', 'case 000-12-3456 and 666-12-3456'),
  clean('IBAN failing mod-97', 'DE89 3704 0044 0532 0130 02'),
  clean('email off by default', 'write to jane@example.com'),
  clean('words that contain digit words', 'someone often thought eighteen'),
  clean('CVV-like number without context', 'room 123 floor 4'),
];
