import nodemailer from 'nodemailer';
import type { Config } from '../../config';

/** What the queue needs of an SMTP client: send one message, resolve after the server's 250. */
export interface MailTransport {
  send(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    html: string;
    messageId: string;
  }): Promise<void>;
  /** Connects, greets, authenticates and quits, sending nothing (`parley doctor`). */
  verify?(): Promise<void>;
  close(): void;
}

/** An error with the SMTP reply code when the server answered one (nodemailer's `responseCode`). */
export function smtpCode(err: unknown): number | undefined {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' ? code : undefined;
}

export type SmtpConfig = Pick<
  Config,
  | 'smtpHost'
  | 'smtpPort'
  | 'smtpSecurity'
  | 'smtpUser'
  | 'smtpPassword'
  | 'smtpFrom'
  | 'smtpTimeoutMs'
>;

/** The SMTP transport (nodemailer), one connection per send, every step under a deadline. */
export function createSmtpTransport(config: SmtpConfig & { smtpHost: string }): MailTransport {
  const t = nodemailer.createTransport({
    host: config.smtpHost,
    port: config.smtpPort,
    secure: config.smtpSecurity === 'tls',
    // STARTTLS is required, not opportunistic: a relay that does not offer it is refused.
    requireTLS: config.smtpSecurity === 'starttls',
    ignoreTLS: config.smtpSecurity === 'none',
    ...(config.smtpUser && config.smtpPassword
      ? { auth: { user: config.smtpUser, pass: config.smtpPassword } }
      : {}),
    connectionTimeout: config.smtpTimeoutMs,
    greetingTimeout: config.smtpTimeoutMs,
    socketTimeout: config.smtpTimeoutMs,
    dnsTimeout: config.smtpTimeoutMs,
    logger: false,
    debug: false,
  });
  t.on('error', () => undefined);
  return {
    async send(m) {
      await t.sendMail({
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: m.messageId,
        // Automated: no auto-replies back to the sender.
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    },
    async verify() {
      await t.verify();
    },
    close: () => t.close(),
  };
}
