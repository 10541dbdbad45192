import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { ScannerUnavailableError, type Scanner } from './scanner';

// The parts of `clamscan` (CommonJS, no bundled types) this driver uses.
interface ClamScanReply {
  isInfected?: boolean | null;
  viruses?: string[];
}
interface NodeClam {
  init(options: Record<string, unknown>): Promise<NodeClam>;
  scanStream(stream: Readable): Promise<ClamScanReply>;
}
const NodeClam = createRequire(import.meta.url)('clamscan') as new () => NodeClam;

export interface ClamdOptions {
  /** clamd's LocalSocket, or host and port of its TCPSocket. */
  socket?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  timeoutMs: number;
}

/**
 * ClamAV's clamd over INSTREAM, through the `clamscan` library (it frames the
 * stream for INSTREAM and parses the reply). clamscan resolves some failures
 * (an "... ERROR" reply such as a size limit) with an error object instead of
 * a verdict, so anything but a definite OK or FOUND counts as unavailable; and
 * every scan has our own deadline on top of the library's socket timeout.
 */
export function createClamdScanner(opts: ClamdOptions): Scanner {
  let client: Promise<NodeClam> | undefined;
  const init = () =>
    (client ??= new NodeClam()
      .init({
        removeInfected: false,
        debugMode: false,
        preference: 'clamdscan',
        clamscan: { active: false },
        clamdscan: {
          ...(opts.socket ? { socket: opts.socket } : { host: opts.host, port: opts.port }),
          timeout: opts.timeoutMs,
          localFallback: false,
          // The first scan tells whether clamd answers; init must not fail the node when it does not.
          bypassTest: true,
          active: true,
        },
      })
      .catch((err: unknown) => {
        client = undefined;
        throw err;
      }));

  return {
    async scan(data) {
      let timer: NodeJS.Timeout | undefined;
      try {
        const clam = await init();
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new ScannerUnavailableError('timeout')), opts.timeoutMs);
        });
        const scanning = clam.scanStream(Readable.from([data]));
        scanning.catch(() => undefined);
        const r: ClamScanReply = await Promise.race([scanning, deadline]);
        if (r.isInfected === false) return { clean: true };
        if (r.isInfected === true)
          return { clean: false, signature: (r.viruses ?? [])[0] ?? 'unknown' };
        throw new ScannerUnavailableError('no verdict');
      } catch (err) {
        if (err instanceof ScannerUnavailableError) throw err;
        throw new ScannerUnavailableError(err instanceof Error ? err.message : 'error');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
