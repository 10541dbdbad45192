export { bindSiemChannels, siemChannelsOf, wakeSiem } from './channels';
export { createSiemExport, SYSLOG_CHANNEL, type SiemExport } from './service';
export { createSyslogTransport, parseSyslogUrl, type SyslogTarget } from './syslog-transport';
export { formatSyslog, frameOctetCounted, SD_ID, type SiemFormat, type SiemRecord } from './format';
export { siemFromConfig } from './wiring';
export { createRelpTransport, RelpParser } from './relp-transport';
