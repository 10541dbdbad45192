import pino, { type Logger } from 'pino';

/**
 * The server's logger. Redaction is a second line of defence: code logs ids,
 * never bodies, tokens, keys or card data (DESIGN.md security laws).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { svc: 'parley-server' },
      redact: {
        paths: [
          'req.headers.cookie',
          'req.headers.authorization',
          'req.headers["x-csrf-token"]',
          'res.headers["set-cookie"]',
          '*.password',
          '*.token',
          '*.text',
          '*.body',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
export type { Logger };
