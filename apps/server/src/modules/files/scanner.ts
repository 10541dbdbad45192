/** A malware scanner (clamd.ts). Drivers behind one interface (CONVENTIONS.md). */
export type ScanResult = { clean: true } | { clean: false; signature: string };

export interface Scanner {
  /**
   * Scans the bytes. Throws ScannerUnavailableError when the scanner cannot
   * answer (unreachable, timeout, an error reply): the caller keeps the file
   * "checking" and tries again later, never releases it (fail closed, law 7).
   */
  scan(data: Buffer): Promise<ScanResult>;
}

export class ScannerUnavailableError extends Error {
  constructor(reason: string) {
    super(`scanner unavailable: ${reason}`);
    this.name = 'ScannerUnavailableError';
  }
}
