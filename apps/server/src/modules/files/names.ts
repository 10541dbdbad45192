/** File names a client sent, made safe to store and show (they are masked too: service.ts). */

// C0/C1 controls, bidirectional overrides and isolates (a name like "cod\u202Egnp.exe"
// shows as "codexe.png"), zero-width characters that could split a card number past the masker.
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const RESERVED = /[/\\:*?"<>|]/g;
const MAX = 180;

export function sanitiseFileName(raw: string, extension: string): string {
  let name = raw.normalize('NFC').replace(UNSAFE, '').replace(RESERVED, '_');
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
