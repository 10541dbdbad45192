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
 * A PDF as a reader parses it: the text outside stream bodies (where every
 * dictionary of a classic PDF lives), and the bodies of its object streams
 * (PDF 1.5 packs dictionaries there, usually deflated, so `/JavaScript` hides
 * there). Other stream bodies (page content, images, fonts) are data, not
 * dictionaries, and are left out: binary data matches `/JS` by chance. Object
 * streams are inflated on the thread pool, capped in total; one that inflates
 * past the cap, cannot be inflated, or uses another filter is refused.
 */
async function readerView(raw: string, bytes: Buffer): Promise<string[]> {
  const parts: string[] = [];
  let budget = PDF_INFLATE_CAP;
  let outsideFrom = 0;
  // Linear: find each `stream` keyword, take its object's dictionary from just before it.
  const keyword = /\bstream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = keyword.exec(raw))) {
    const before = raw.slice(Math.max(0, m.index - DICT_WINDOW), m.index);
    const dict = decodePdfNames(before.slice(before.lastIndexOf(' obj') + 1));
    if (!dict.includes('<<')) continue;
    const start = m.index + m[0].length;
    // The body's length as the dictionary states it (a reader's view), else up to `endstream`.
    const stated = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dict)?.[1];
    const found = raw.indexOf('endstream', start);
    const end =
      stated !== undefined && start + Number(stated) <= raw.length
        ? Math.max(start + Number(stated), found < 0 ? 0 : found)
        : found;
    if (end < 0) throw refused('the PDF is malformed');
    parts.push(raw.slice(outsideFrom, m.index));
    outsideFrom = end;
    keyword.lastIndex = end;
    if (!/\/Type\s*\/ObjStm/.test(dict)) continue;
    const filter = /\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)/.exec(dict)?.[1];
    const filters = filter?.match(/\/[A-Za-z0-9]+/g) ?? [];
    if (filters.length === 0) {
      parts.push(raw.slice(start, end));
      continue;
    }
    if (filters.length > 1 || (filters[0] !== '/FlateDecode' && filters[0] !== '/Fl'))
      throw refused('the PDF hides objects under a compression we do not read');
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
    if (budget <= 0) throw refused('the PDF inflates to more than we accept');
    parts.push(body.toString('latin1'));
  }
  parts.push(raw.slice(outsideFrom));
  return parts;
}

function refused(reason: string): ParleyError {
  return new ParleyError('file_disguised', `This file was refused: ${reason}.`);
}

/** Refuses a PDF with active content or a second format, in its dictionaries or object streams. */
export async function checkPdf(bytes: Buffer): Promise<void> {
  const raw = bytes.toString('latin1');
  // A second format is looked for in every byte: a ZIP reader finds an archive anywhere.
  if (PDF_FOREIGN.some((r) => r.test(raw))) throw refused('the PDF hides another kind of file');
  for (const part of await readerView(raw, bytes)) {
    if (PDF_ACTIVE.some((r) => r.test(decodePdfNames(part))))
      throw refused('the PDF contains scripts, actions or embedded files');
    if (PDF_FOREIGN.some((r) => r.test(part))) throw refused('the PDF hides another kind of file');
  }
}
