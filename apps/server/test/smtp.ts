import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export type SmtpBehaviour = 'accept' | 'refuse' | 'hang';

/**
 * A real SMTP server (the `smtp-server` package) on loopback, port 0, for the
 * mail tests: it accepts and parses what arrives, refuses with a 5xx, or hangs
 * after DATA (never answers), as `behaviour` says at the time of each message.
 */
export async function startSmtp(initial: SmtpBehaviour = 'accept') {
  const received: ParsedMail[] = [];
  const waiters: (() => void)[] = [];
  let behaviour = initial;
  let dataCommands = 0;
  const options: SMTPServerOptions = {
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    closeTimeout: 200,
    logger: false,
    onData(stream, _session, callback) {
      dataCommands += 1;
      if (behaviour === 'hang') {
        stream.resume();
        return;
      }
      simpleParser(stream).then(
        (mail) => {
          if (behaviour === 'refuse') {
            const err = Object.assign(new Error('Message rejected by policy'), {
              responseCode: 554,
            });
            callback(err);
            return;
          }
          received.push(mail);
          callback();
          for (const w of waiters.splice(0)) w();
        },
        (err: Error) => callback(err),
      );
    },
  };
  const server = new SMTPServer(options);
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    get dataCommands() {
      return dataCommands;
    },
    set(b: SmtpBehaviour) {
      behaviour = b;
    },
    /** Resolves when `n` messages have arrived (with a deadline). */
    async waitFor(n: number, ms = 10_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (received.length < n) {
        if (Date.now() > deadline)
          throw new Error(`only ${received.length} of ${n} e-mails arrived`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, Math.max(0, deadline - Date.now())).unref();
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
