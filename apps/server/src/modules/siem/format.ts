import { hostname } from 'node:os';
import type { AuditEntry, SecurityEventRow } from '../../store';
import { VERSION } from '../../version';

/** One record for the SIEM: an audit entry or a security event, as the syslog line carries it. */
export type SiemRecord =
  { source: 'audit'; entry: AuditEntry } | { source: 'security'; event: SecurityEventRow };

export type SiemFormat = 'json' | 'cef';

/**
 * The structured-data id. 32473 is the private enterprise number RFC 5612
 * reserves for documentation; SIEM rules match on the whole id `parley@32473`.
 */
export const SD_ID = 'parley@32473';

// RFC 5424 §6.2.1: facility 10 is security/authorization (authpriv), 13 is log audit.
const FACILITY = { security: 10, audit: 13 } as const;
// Severity: 4 warning, 5 notice.
const severityOf = (r: SiemRecord) =>
  r.source === 'security' ? 4 : r.entry.outcome === 'failure' ? 4 : 5;

/** PRINTUSASCII without space, at most `max` characters (RFC 5424 §6.2.4–6.2.7); '-' when empty. */
function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean === '' ? '-' : clean;
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): `"`, `\` and `]` are escaped. */
const sdValue = (v: string) => v.replace(/["\\\]]/g, (c) => `\\${c}`);

/** The facts a record carries, in a fixed order, for the structured data and CEF. */
function facts(r: SiemRecord): [string, string][] {
  if (r.source === 'audit') {
    const e = r.entry;
    return [
      ['kind', 'audit'],
      ['org', e.orgId],
      ['id', e.id],
      ['seq', String(e.seq)],
      ['action', e.action],
      ['outcome', e.outcome],
      ['actorKind', e.actorKind],
      ['actor', e.actorId ?? ''],
      ['ip', e.ip ?? ''],
      ['resourceType', e.resourceType ?? ''],
      ['resource', e.resourceId ?? ''],
      ['hash', e.hash],
    ];
  }
  const ev = r.event;
  return [
    ['kind', 'security'],
    ['org', ev.orgId],
    ['id', ev.id],
    ['type', ev.type],
    ['agent', ev.agentId ?? ''],
    ['ip', ev.ip ?? ''],
  ];
}

const atOf = (r: SiemRecord) => (r.source === 'audit' ? r.entry.at : r.event.createdAt);
const detailOf = (r: SiemRecord): unknown =>
  r.source === 'audit' ? (JSON.parse(r.entry.detail || '{}') as unknown) : r.event.detail;

/** The message part as JSON: the facts and the detail (small facts, never a secret or a message body). */
function jsonMessage(r: SiemRecord): string {
  return JSON.stringify({
    ...Object.fromEntries(facts(r).filter(([, v]) => v !== '')),
    at: new Date(atOf(r)).toISOString(),
    detail: detailOf(r),
  });
}

// CEF: header fields escape `\` and `|`; extension values escape `\`, `=` and line breaks.
const cefHeader = (v: string) => v.replace(/[\\|]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ');
const cefValue = (v: string) => v.replace(/[\\=]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');

/** The message part as ArcSight CEF (version 0). */
function cefMessage(r: SiemRecord): string {
  const f = new Map(facts(r));
  const signature = r.source === 'audit' ? r.entry.action : r.event.type;
  const name =
    r.source === 'audit' ? `audit ${r.entry.action} ${r.entry.outcome}` : `security ${signature}`;
  const ext: [string, string][] = [
    ['rt', String(atOf(r))],
    ['externalId', f.get('id') ?? ''],
    ['src', f.get('ip') ?? ''],
    ['suser', (r.source === 'audit' ? f.get('actor') : f.get('agent')) ?? ''],
    ['outcome', f.get('outcome') ?? ''],
    ['cs1Label', 'org'],
    ['cs1', f.get('org') ?? ''],
    ['cs2Label', 'detail'],
    ['cs2', JSON.stringify(detailOf(r))],
  ];
  const severity = severityOf(r) === 4 ? 7 : 3;
  return `CEF:0|Parley|Parley|${cefHeader(VERSION)}|${cefHeader(signature)}|${cefHeader(name)}|${severity}|${ext
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${cefValue(v)}`)
    .join(' ')}`;
}

const HOST = headerField(hostname(), 255);

/**
 * One RFC 5424 syslog message (without its transport framing): header,
 * structured data `[parley@32473 …]` with the record's facts, and the message
 * as JSON (UTF-8 with a BOM, §6.4) or CEF.
 */
export function formatSyslog(r: SiemRecord, format: SiemFormat, host = HOST): string {
  const pri = FACILITY[r.source] * 8 + severityOf(r);
  const msgId = r.source === 'audit' ? 'audit' : 'security';
  const sd = `[${SD_ID}${facts(r)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => ` ${k}="${sdValue(v)}"`)
    .join('')}]`;
  const msg = format === 'cef' ? cefMessage(r) : `\ufeff${jsonMessage(r)}`;
  return `<${pri}>1 ${new Date(atOf(r)).toISOString()} ${headerField(host, 255)} parley ${process.pid} ${msgId} ${sd} ${msg}`;
}

/** RFC 6587 §3.4.1 octet counting: the length in bytes, a space, the message. */
export function frameOctetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
