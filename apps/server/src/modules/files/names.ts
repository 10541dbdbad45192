/** File names a client sent, made safe to store and show (they are masked too: service.ts). */

// C0/C1 controls, format characters (bidirectional overrides: "cod\u202Egnp.exe" shows as
// "codexe.png"), and every default-ignorable code point (soft hyphen, zero-width, word joiner,
// combining grapheme joiner, Hangul fillers, variation selectors, tags): invisible, so a card
// number split by them would be stored and shown looking whole.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
// Blanks that are not Unicode spaces but show as one.
const BLANK = /[\u2800]/g;
const RESERVED = /[/\\:*?"<>|]/g;
const MAX = 180;

export function sanitiseFileName(raw: string, extension: string): string {
  let name = raw.normalize('NFC').replace(UNSAFE, '').replace(BLANK, ' ').replace(RESERVED, '_');
  name = name
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+|[.\s]+$/g, '');
  if (name.length === 0) name = 'file';
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  // The extension always says what the bytes are.
  if (!EXTENSIONS[extension]?.includes(ext)) name = `${name}.${extension}`;
  if (name.length > MAX) {
    const tail = name.slice(name.lastIndexOf('.'));
    name = name.slice(0, MAX - tail.length) + tail;
  }
  return name;
}

const EXTENSIONS: Record<string, string[]> = {
  png: ['png'],
  jpg: ['jpg', 'jpeg'],
  gif: ['gif'],
  webp: ['webp'],
  svg: ['svg'],
  pdf: ['pdf'],
  txt: ['txt', 'text', 'log', 'csv', 'md'],
};

/** The lower-case extension of a name a client sent, for telling a disguised file. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0
    ? name
        .slice(dot + 1)
        .toLowerCase()
        .trim()
    : '';
}
