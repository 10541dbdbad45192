import { promisify } from 'node:util';
import { constants, inflate } from 'node:zlib';
import { ParleyError } from '@parley/protocol';

const inflateAsync = promisify(inflate);

/** Bytes all of a PDF's compressed streams may inflate to; past it the PDF is refused (a zip bomb). */
export const PDF_INFLATE_CAP = 64 * 1024 * 1024;

/** Active content in a PDF: JavaScript, launch actions, embedded files, forms that submit. */
const PDF_ACTIVE = [
  /\/JavaScript/,
  /\/JS\b/,
  /\/Launch/,
  /\/EmbeddedFile/,
  /\/SubmitForm/,
  /\/OpenAction/,
  /\/RichMedia/,
];
// eslint-disable-next-line no-control-regex -- binary signatures are control bytes
const PDF_FOREIGN = [/PK\x03\x04/, /\x7fELF/, /<script/i, /<html/i];

/**
 * PDF 32000-1 §7.3.5: a name may write any byte as `#xx`, so `/J#61vaScript`
 * is `/JavaScript` to a reader. Names are decoded before they are matched.
 */
export function decodePdfNames(text: string): string {
  return text.replace(/\/[^\s/<>[\]()%{}]*/g, (name) =>
    name.includes('#')
      ? name.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
      : name,
  );
}

/** How far before `stream` its dictionary may begin. */
const DICT_WINDOW = 4096;

/**
 * The decompressed bodies of the PDF's FlateDecode streams (object streams
 * carry dictionaries, so `/JavaScript` hides there). Inflation runs on the
 * thread pool, and the total is capped: a stream that inflates past the cap,
 * or a compressed stream that cannot be inflated, makes the PDF refused.
 */
async function inflatedStreams(raw: string, bytes: Buffer): Promise<string[]> {
  const out: string[] = [];
  let budget = PDF_INFLATE_CAP;
  // Linear: find each `stream` keyword, take its object's dictionary from just before it.
  const keyword = /\bstream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = keyword.exec(raw))) {
    const before = raw.slice(Math.max(0, m.index - DICT_WINDOW), m.index);
    const dict = decodePdfNames(before.slice(before.lastIndexOf(' obj') + 1));
    if (!dict.includes('<<')) continue;
    const filter = /\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)/.exec(dict)?.[1];
    if (!filter) continue;
    const filters = filter.match(/\/[A-Za-z0-9]+/g) ?? [];
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) throw refused('the PDF is malformed');
    keyword.lastIndex = end;
    if (filters[0] !== '/FlateDecode' && filters[0] !== '/Fl') {
      // Images (DCT, JPX, CCITT, JBIG2) cannot hold dictionaries; an object stream must be readable.
      if (/\/Type\s*\/ObjStm/.test(dict)) throw refused('the PDF hides objects we cannot read');
      continue;
    }
    let body: Buffer;
    try {
      // A stream cut short still yields what it has (SYNC_FLUSH), and that is checked too.
      body = await inflateAsync(bytes.subarray(start, end), {
        maxOutputLength: budget,
        finishFlush: constants.Z_SYNC_FLUSH,
      });
    } catch (err) {
      if (err instanceof RangeError) throw refused('the PDF inflates to more than we accept');
      throw refused('the PDF has a compressed part that cannot be read');
    }
    budget -= body.length;
    out.push(body.toString('latin1'));
  }
  return out;
}

function refused(reason: string): ParleyError {
  return new ParleyError('file_disguised', `This file was refused: ${reason}.`);
}

/** Refuses a PDF with active content or a second format, in its text or in its compressed streams. */
export async function checkPdf(bytes: Buffer): Promise<void> {
  const raw = bytes.toString('latin1');
  const parts = [raw, ...(await inflatedStreams(raw, bytes))];
  for (const part of parts) {
    if (PDF_ACTIVE.some((r) => r.test(decodePdfNames(part))))
      throw refused('the PDF contains scripts, actions or embedded files');
    if (PDF_FOREIGN.some((r) => r.test(part))) throw refused('the PDF hides another kind of file');
  }
}
