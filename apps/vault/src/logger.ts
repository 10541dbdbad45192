/**
 * pino with redaction. The vault never logs bodies; request logs carry method,
 * a route with pay tokens cut out, status and ids. Redaction is a second net
 * for anything that slips through (PCI DSS 3.3: no sensitive authentication
 * data after authorisation, in logs included).
 */
import pino from 'pino';
import type { Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-parley-signature"]',
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
  'body',
  '*.body',
  'card',
  '*.card',
  'number',
  '*.number',
  'cvc',
  '*.cvc',
  'pan',
  '*.pan',
  'token',
  '*.token',
  'key',
  '*.key',
  'secret',
  '*.secret',
];

/** Replaces pay link tokens in a URL so they never reach a log line. */
export function scrubUrl(url: string): string {
  return url.replace(/^\/pay\/(?!p\/|assets\/)[^/?#]+/, '/pay/[token]').replace(/\?.*$/, '');
}

export function createLogger(level: string, stream?: NodeJS.WritableStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'vault' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; url?: string; id?: string }) => ({
        id: req.id,
        method: req.method,
        url: scrubUrl(req.url ?? ''),
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  };
  return stream ? pino(options, stream as pino.DestinationStream) : pino(options);
}
