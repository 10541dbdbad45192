// The parts of `clamscan` (no bundled types) that clamd.ts uses.
declare module 'clamscan' {
  import type { Readable } from 'node:stream';
  interface ClamdscanSettings {
    socket?: string | undefined;
    host?: string | undefined;
    port?: number | undefined;
    timeout?: number;
    localFallback?: boolean;
    bypassTest?: boolean;
    active?: boolean;
  }
  interface NodeClamOptions {
    removeInfected?: boolean;
    debugMode?: boolean;
    preference?: 'clamdscan' | 'clamscan';
    clamscan?: { active?: boolean };
    clamdscan?: ClamdscanSettings;
  }
  interface ScanResult {
    isInfected?: boolean | null;
    viruses?: string[];
  }
  export default class NodeClam {
    init(options: NodeClamOptions): Promise<NodeClam>;
    scanStream(stream: Readable): Promise<ScanResult>;
  }
}
