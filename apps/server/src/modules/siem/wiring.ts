import { readFileSync } from 'node:fs';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { Store } from '../../store';
import { bindSiemChannels } from './channels';
import { createSiemExport, SYSLOG_CHANNEL, type SiemExport } from './service';
import { createRelpTransport } from './relp-transport';
import { createSyslogTransport, parseSyslogUrl } from './syslog-transport';

/**
 * The SIEM export of this installation (PARLEY_SYSLOG_URL), bound to its store
 * so that new audit entries and security events are queued for it; undefined
 * when no receiver is configured. Started by the caller once the node is up.
 */
export function siemFromConfig(
  config: Pick<Config, 'syslogUrl' | 'syslogFormat' | 'syslogCaFile'>,
  store: Store,
  log: Logger,
  options: { confirmMs?: number; retryBaseMs?: number } = {},
): SiemExport | undefined {
  if (!config.syslogUrl) return undefined;
  // A CA that cannot be read stops the start (law 7: a missing safety component is an error).
  const ca = config.syslogCaFile ? readFileSync(config.syslogCaFile, 'utf8') : undefined;
  const target = parseSyslogUrl(config.syslogUrl, ca);
  const exporter = createSiemExport({
    store,
    log,
    transport:
      target.framing === 'relp' ? createRelpTransport(target) : createSyslogTransport(target),
    format: config.syslogFormat,
    ...options,
  });
  bindSiemChannels(store, { channels: [SYSLOG_CHANNEL], wake: () => exporter.kick() });
  return exporter;
}
