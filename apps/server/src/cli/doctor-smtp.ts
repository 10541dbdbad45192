import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config';
import { createSmtpTransport } from '../modules/mail';
import type { DoctorCheck } from './doctor';

/** An address as the settings schema would take it: one @, no spaces, no header tricks. */
const ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

/**
 * `parley doctor --smtp-test ADDRESS`: sends one real message through the
 * configured relay, so an operator sees the whole way (DNS, TLS, sign-in,
 * relaying, the recipient's mailbox), not only a greeting. The message id is
 * printed so that it can be found in the relay's log and the inbox.
 */
export async function smtpTest(cfg: Config, to: string): Promise<DoctorCheck> {
  const name = 'e-mail test message';
  if (!ADDRESS.test(to))
    return {
      name,
      status: 'fail',
      detail: 'not an e-mail address',
      fix: 'pass one address: --smtp-test ops@example.com',
    };
  if (!cfg.smtpHost || !cfg.smtpFrom)
    return {
      name,
      status: 'fail',
      detail: 'no SMTP server or sender configured: nothing was sent',
      fix: 'set PARLEY_SMTP_HOST and PARLEY_SMTP_FROM (docs/email.md)',
    };
  const transport = createSmtpTransport({ ...cfg, smtpHost: cfg.smtpHost });
  const messageId = `<doctor-${randomUUID()}@parley.invalid>`;
  const when = new Date().toISOString();
  try {
    await transport.send({
      from: cfg.smtpFrom,
      to,
      subject: 'Parley: test message from parley doctor',
      text: `This message was sent by \`parley doctor --smtp-test\` on ${hostname()} at ${when}.\nE-mail from Parley (unlock links, notifications, transcripts) can reach this address.\n`,
      html: `<p>This message was sent by <code>parley doctor --smtp-test</code> at ${when}.</p><p>E-mail from Parley can reach this address.</p>`,
      messageId,
    });
    return {
      name,
      status: 'pass',
      detail: `accepted by ${cfg.smtpHost}:${cfg.smtpPort} for ${to} (Message-ID ${messageId}); check that it arrived`,
    };
  } catch (err) {
    const code = (err as { responseCode?: unknown } | null)?.responseCode;
    return {
      name,
      status: 'fail',
      detail: `${cfg.smtpHost}:${cfg.smtpPort} did not take it${typeof code === 'number' ? ` (${code})` : ''}: ${err instanceof Error ? err.message : String(err)}`,
      fix: 'check PARLEY_SMTP_* and that the relay lets PARLEY_SMTP_FROM send to this address (docs/email.md)',
    };
  } finally {
    transport.close();
  }
}
