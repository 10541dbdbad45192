import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { FileSummary } from '@parley/protocol';
import type { AgentClient, TestSocket } from './clients';

/** Test images made with sharp, so OCR has something real to read. */
export async function textPng(text: string, width = 900): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="200"><rect width="100%" height="100%" fill="white"/><text x="30" y="120" font-family="DejaVu Sans, sans-serif" font-size="56" fill="black">${text}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A documented test card number (Visa 4242…), as a photo of a card would show it. */
export const cardPng = () => textPng('4242 4242 4242 4242');

/** A JPEG photo carrying EXIF with a GPS position and a camera serial. */
export async function photoWithExif(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'ParleyCam', Model: 'Test 1', Copyright: 'Vera' },
      IFD2: { BodySerialNumber: 'SN-123456' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '51/1 30/1 0/1',
        GPSLongitudeRef: 'W',
        GPSLongitude: '0/1 7/1 0/1',
      },
    })
    .toBuffer();
}

export const minimalPdf = (extra = '') =>
  Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n${extra}trailer<</Root 1 0 R>>\n%%EOF\n`,
  );

/** Uploads like the chat frame and the console do: a streamed PUT with a client id. */
export async function putFile(
  base: string,
  path: string,
  auth: { bearer: string } | { agent: AgentClient },
  data: Buffer,
  name: string,
  opts: { clientId?: string; batchId?: string } = {},
): Promise<{
  status: number;
  body: { file?: FileSummary; error?: { code: string; message: string } };
}> {
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'x-file-name': encodeURIComponent(name),
    'x-batch-id': opts.batchId ?? 'batch-0001',
  };
  const clientId = opts.clientId ?? `c-${randomUUID()}`;
  let res: Response;
  if ('bearer' in auth) {
    res = await fetch(`${base}/api/visitor${path}/${clientId}`, {
      method: 'PUT',
      headers: { ...headers, authorization: `Bearer ${auth.bearer}` },
      body: new Uint8Array(data),
    });
  } else {
    res = await fetch(`${base}/api${path}/${clientId}`, {
      method: 'PUT',
      headers: {
        ...headers,
        cookie: auth.agent.cookie,
        origin: new URL(base).origin,
        'x-csrf-token': auth.agent.csrf,
      },
      body: new Uint8Array(data),
    });
  }
  return { status: res.status, body: (await res.json()) as never };
}

/** The next file frame for a file in a given state. */
export function fileFrame(
  ws: TestSocket,
  id: string,
  status: FileSummary['status'],
  timeoutMs = 20_000,
) {
  return ws.next('file', (f) => f.file.id === id && f.file.status === status, timeoutMs);
}
