import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ParleyError } from '@parley/protocol';
import { minimalPdf } from '../../../test/files-kit';
import { createMessageMasker } from '../chat';
import { inspectFile } from './inspect';
import { sanitiseFileName } from './names';
import { PDF_INFLATE_CAP } from './pdf';

const ALL = new Set(['image/png', 'image/svg+xml', 'application/pdf', 'text/plain']);

async function codeOf(bytes: Buffer, name: string): Promise<string> {
  try {
    await inspectFile(bytes, name, ALL);
    return 'accepted';
  } catch (err) {
    if (err instanceof ParleyError) return err.code;
    throw err;
  }
}

/** A PDF with one object whose stream is deflated. */
function pdfWithStream(dict: string, body: Buffer): Buffer {
  const z = deflateSync(body);
  return Buffer.concat([
    Buffer.from(
      `%PDF-1.5\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n4 0 obj\n<<${dict}/Filter/FlateDecode/Length ${z.length}>>\nstream\n`,
      'latin1',
    ),
    z,
    Buffer.from('\nendstream\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1'),
  ]);
}

describe('file attacks the type check must refuse', () => {
  it('a clean PDF, with and without a compressed content stream, is accepted (the checks below are not blanket refusals)', async () => {
    expect(await codeOf(minimalPdf(), 'a.pdf')).toBe('accepted');
    expect(
      await codeOf(
        pdfWithStream('', Buffer.from('BT /F1 12 Tf 72 712 Td (Receipt) Tj ET')),
        'a.pdf',
      ),
    ).toBe('accepted');
  });

  it('a PDF whose names are #xx-escaped (/J#61vaScript, /#4Aavascript, /Launc#68) is refused', async () => {
    for (const hidden of [
      '4 0 obj<</S/J#61vaScript/J#53(app.alert(1))>>endobj\n',
      '4 0 obj<</S/#4A#61#76#61#53#63#72#69#70#74/JS(app.alert(1))>>endobj\n'.replace(
        '/JS',
        '/J#53',
      ),
      '4 0 obj<</S/Launc#68/F(cmd.exe)>>endobj\n',
    ])
      expect(await codeOf(minimalPdf(hidden), 'form.pdf')).toBe('file_disguised');
  });

  it('bytes in a page or image stream that happen to read "/JS" are data, not a dictionary', async () => {
    const image = Buffer.concat([
      Buffer.from([0xff, 0xd8]),
      Buffer.from('x/JS ('),
      Buffer.alloc(64),
    ]);
    const pdf = Buffer.concat([
      Buffer.from(
        `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n3 0 obj<</Type/XObject/Subtype/Image/Filter/DCTDecode/Length ${image.length}>>\nstream\n`,
        'latin1',
      ),
      image,
      Buffer.from('\nendstream\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1'),
    ]);
    expect(await codeOf(pdf, 'scan.pdf')).toBe('accepted');
  });

  it('JavaScript inside a deflate-compressed object stream is refused', async () => {
    const objects = Buffer.from('5 0 <</S/JavaScript/JS(app.alert(1))>>');
    expect(await codeOf(pdfWithStream('/Type/ObjStm/N 1/First 4', objects), 'x.pdf')).toBe(
      'file_disguised',
    );
    // Escaped name inside the compressed stream, and the filter name escaped too.
    const escaped = pdfWithStream('/Type/ObjStm/N 1/First 4', Buffer.from('<</S/J#61vaScript>>'));
    expect(await codeOf(escaped, 'x.pdf')).toBe('file_disguised');
    const filterEscaped = Buffer.from(
      escaped.toString('latin1').replace('/Filter/FlateDecode', '/Filter/Fl#61teDecode'),
      'latin1',
    );
    expect(await codeOf(filterEscaped, 'x.pdf')).toBe('file_disguised');
    // An object stream under a filter the check does not decode is refused, not waved through.
    const hex = Buffer.from(
      escaped
        .toString('latin1')
        .replace('/Filter/FlateDecode', '/Filter[/ASCIIHexDecode/FlateDecode]'),
      'latin1',
    );
    expect(await codeOf(hex, 'x.pdf')).toBe('file_disguised');
  });

  it('an object stream that inflates past the cap (64 MB) is refused, not inflated without end', async () => {
    const bomb = pdfWithStream(
      '/Type/ObjStm/N 1/First 4',
      Buffer.alloc(PDF_INFLATE_CAP + 1024 * 1024),
    );
    expect(bomb.length).toBeLessThan(200_000);
    const t = performance.now();
    expect(await codeOf(bomb, 'bomb.pdf')).toBe('file_disguised');
    expect(performance.now() - t).toBeLessThan(10_000);
  });

  it('an SVG that hides script with character references or CSS escapes is refused', async () => {
    const wrap = (inner: string) =>
      Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">${inner}</svg>`);
    // Each of these slipped past the plain patterns before they were decoded.
    for (const inner of [
      '<a2 xlink:title="x"/><set attributeName="xlink:href" to="jav&#x61;script&#58;alert(1)"/>',
      '<rect style="fill:u\\72l(https://evil.example/x.svg#a)"/>',
      '<style>@\\69mport "https://evil.example/x.css";</style>',
      '<rect style="fill:u&#x72;l(https://evil.example/p)"/>',
      '<style>rect{background:\\75\\72\\6c(https://evil.example/p)}</style>',
      '<rect style="width:expr/**/ession(alert(1))"/>',
    ])
      expect(await codeOf(wrap(inner), 'logo.svg'), inner).toBe('file_disguised');
    expect(await codeOf(wrap('<rect width="5" height="5" fill="#123"/>'), 'ok.svg')).toBe(
      'accepted',
    );
  });

  it('a card number in a file name split by soft hyphens, zero-width or other invisible characters is masked and the invisibles are gone', () => {
    const masker = createMessageMasker();
    for (const sep of [
      '\u00ad',
      '\u200b',
      '\u2060',
      '\u034f',
      '\u180e',
      '\u3164',
      '\ufe0f',
      '\u{e0020}',
    ]) {
      // Invisibles around the number too: a stored name keeps none of them, wherever they are.
      const raw = `in${sep}voice 4242${sep}4242${sep}4242${sep}4242 sc${sep}an.pdf`;
      const name = masker.maskField(sanitiseFileName(raw, 'pdf'), 'org').text;
      expect(name, JSON.stringify(sep)).not.toMatch(/\p{Default_Ignorable_Code_Point}|\p{Cf}/u);
      // At most the last four stay (PCI DSS 3.4.1), and no group of the number is left readable.
      expect(name.match(/\d/g)?.length ?? 0, name).toBeLessThanOrEqual(4);
      expect(name).toMatch(/^invoice .* scan\.pdf$/);
    }
  });
});
