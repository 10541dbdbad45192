import { fileTypeFromBuffer } from 'file-type';
import { ParleyError, type FileType } from '@parley/protocol';
import { extensionOf } from './names';
import { checkPdf } from './pdf';
import { svgIsActive } from './svg';

export interface Inspected {
  type: FileType;
  kind: 'image' | 'file';
  /** The extension that goes with the type. */
  extension: string;
}

const IMAGE_TYPES = new Set<string>([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/svg+xml',
]);
const EXTENSION: Record<FileType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
};
/** Extensions that claim one of our types: a file named so whose bytes are something else is disguised. */
const CLAIMS: Record<string, true> = {
  png: true,
  jpg: true,
  jpeg: true,
  gif: true,
  webp: true,
  svg: true,
  pdf: true,
  txt: true,
};

const latin1 = (b: Buffer) => b.toString('latin1');

/** Markers of a second format hidden in a file (a polyglot): archives, executables, markup, scripts. */
const FOREIGN = [
  // eslint-disable-next-line no-control-regex -- binary signatures are control bytes
  /PK\x03\x04/, // ZIP (also JAR, DOCX) local header
  /\x7fELF/,
  /<script/i,
  /<html/i,
  /<\?php/i,
  /<svg/i,
];

function disguised(reason: string): ParleyError {
  return new ParleyError('file_disguised', `This file was refused: ${reason}.`);
}

function textType(bytes: Buffer): 'text' | 'svg' | 'html' | 'binary' {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'binary';
  }
  if (text.includes('\u0000')) return 'binary';
  const head = text
    .slice(0, 4096)
    .replace(/^\ufeff/, '')
    .trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!doctype svg[^>]*>\s*)?<svg[\s>]/i.test(head))
    return 'svg';
  if (/^<(!doctype html|html|head|body|script|iframe)/i.test(head) || /<script/i.test(head))
    return 'html';
  return 'text';
}

/**
 * Decides the type of a file from its bytes (file-type, then a strict UTF-8
 * check for text), never from its name or the browser's claim, and refuses
 * what is not allowed, not what it says it is, or hides a second format.
 */
export async function inspectFile(
  bytes: Buffer,
  claimedName: string,
  allowed: ReadonlySet<string>,
): Promise<Inspected> {
  if (bytes.length === 0) throw new ParleyError('file_empty');
  const detected = await fileTypeFromBuffer(bytes);
  let type: string;
  if (detected) type = detected.mime;
  else {
    const t = textType(bytes);
    type =
      t === 'svg'
        ? 'image/svg+xml'
        : t === 'text'
          ? 'text/plain'
          : t === 'html'
            ? 'text/html'
            : 'application/octet-stream';
  }
  const known = type in EXTENSION;
  if (!known || !allowed.has(type)) {
    const ext = extensionOf(claimedName);
    const claimedType = Object.entries(EXTENSION).find(
      ([, e]) => e === ext || (ext === 'jpeg' && e === 'jpg'),
    )?.[0];
    if (CLAIMS[ext] && claimedType !== type)
      throw disguised(
        `it is named .${ext} but it is ${detected ? detected.ext.toUpperCase() : 'something else'}`,
      );
    throw new ParleyError('file_type_not_allowed');
  }
  const fileType = type as FileType;
  const raw = latin1(bytes);
  if (fileType === 'image/svg+xml') {
    if (svgIsActive(raw)) throw disguised('the SVG image contains script or external references');
  } else if (IMAGE_TYPES.has(fileType)) {
    if (FOREIGN.some((r) => r.test(raw))) throw disguised('the image hides another kind of file');
  } else if (fileType === 'application/pdf') {
    await checkPdf(bytes);
  } else if (fileType === 'text/plain') {
    // Plain text is served as text/plain with nosniff and as an attachment; markup is not plain text.
    if (/<script/i.test(raw)) throw disguised('the text contains script');
  }
  return {
    type: fileType,
    kind: IMAGE_TYPES.has(fileType) ? 'image' : 'file',
    extension: EXTENSION[fileType],
  };
}
