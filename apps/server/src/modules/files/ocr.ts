import { execFile } from 'node:child_process';
import { maskText } from '@parley/masking';

export interface Ocr {
  /** The text tesseract reads in the image; throws OcrUnavailableError when it cannot run. */
  read(image: Buffer): Promise<string>;
}

export class OcrUnavailableError extends Error {
  constructor(reason: string) {
    super(`ocr unavailable: ${reason}`);
    this.name = 'OcrUnavailableError';
  }
}

/**
 * Debian's `tesseract` (tesseract-ocr, tesseract-ocr-eng), run as a child
 * process so OCR never blocks the event loop. Called directly with execFile
 * rather than through node-tesseract-ocr: that wrapper runs a shell command
 * string, has no deadline and writes to the child's stdin without an error
 * listener, so a tesseract that dies early would crash the server (law 8).
 */
export function createTesseractOcr(
  opts: { binary?: string; timeoutMs?: number; lang?: string } = {},
): Ocr {
  const binary = opts.binary ?? 'tesseract';
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return {
    read(image) {
      return new Promise((resolve, reject) => {
        const child = execFile(
          binary,
          ['stdin', 'stdout', '-l', opts.lang ?? 'eng', '--oem', '1', '--psm', '3'],
          {
            timeout: timeoutMs,
            killSignal: 'SIGKILL',
            maxBuffer: 4 * 1024 * 1024,
            env: { ...process.env, OMP_THREAD_LIMIT: '1' },
          },
          (err, stdout) => {
            if (err) reject(new OcrUnavailableError(err.killed ? 'timeout' : err.message));
            else resolve(stdout);
          },
        );
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(image);
      });
    },
  };
}

/**
 * Whether text read from an image holds a card number, by the masking
 * package's own detector (Luhn-checked PANs), on the text as read and with its
 * line breaks joined, since OCR often breaks a card's groups over lines.
 */
export function showsCardNumber(text: string): boolean {
  const variants = [text, text.replace(/\s*\n\s*/g, ' ')];
  return variants.some((t) => maskText(t).findings.some((f) => f.type === 'pan'));
}
