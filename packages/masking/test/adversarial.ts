// Adversarial inputs of the frame limit's size (issue 9, finding 4): the worst of each shape we
// know of. Used by cost.test.ts (the bound) and bench/masking (the worst case next to the median).

export const FRAME = 16 * 1024;
const fill = (unit: string, size = FRAME): string =>
  unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

export const ADVERSARIAL: ReadonlyArray<readonly [string, string]> = [
  ['masked-looking prefixes (finding 4)', fill('•••• •••• 1 ')],
  ['echo then digits', fill('•••• •••• •••• 4242 1 ')],
  ['one long digit run', fill('4')],
  ['digits of 19, spaced', fill('4242424242424242424 ')],
  ['single digits, spaced', fill('4 ')],
  ['digit groups of four', fill('4242 ')],
  ['digits and dots', fill('4.')],
  ['separators only', fill(' -/.\u200b')],
  ['bullets only', fill('•')],
  ['number words', fill('four two ')],
  ['number words joined', fill('fourtwo')],
  ['number words, seven languages', fill('vier deux cuatro due quatro twee nine ')],
  ['bidi soup', fill('\u202e4242\u202c \u2067 4242 \u2069')],
  ['RTL text and digits', fill('שלום 4242 ')],
  ['CVV and expiry shapes', fill('12/29 123 ')],
  ['context words', fill('cvv exp 1 ')],
  ['SSN shapes', fill('123-45-6789 ')],
  ['%-escapes before digits', fill('%4242')],
  ['entities', fill('&#4242;1')],
  ['HTML tags between digits', fill('<b>4</b>')],
  ['Hangul fillers', fill('4\u3164')],
  ['circled and CJK digits', fill('④二')],
  ['glued letters', fill('4242a')],
  ['UUID-shaped', fill('12345678-1234-1234-1234-123456789012-')],
  ['placeholders', fill('[CVV hidden] 1 ')],
  ['credential prefixes', fill('sk-sk_live_AKIA')],
  ['private key headers', fill('-----BEGIN PRIVATE KEY-----')],
  ['JWT-shaped', fill('eyJhbGciOi.')],
  ['IBAN-shaped', fill('DE89 3704 ')],
  ['email-shaped', fill('a@b.')],
];
