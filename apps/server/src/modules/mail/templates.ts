import { z } from 'zod';

/**
 * Mail templates: each has a data schema (checked at enqueue), a subject and a
 * plain-text and an HTML body. `ownerOnly` templates carry a credential (a link
 * that acts for the recipient); the service sends them only to the address of
 * the agent named in the data, never to anyone else (issue 10 item 2).
 */
export interface MailTemplate<S extends z.ZodType> {
  schema: S;
  ownerOnly: boolean;
  render(data: z.infer<S>): { subject: string; text: string; html: string };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function layout(title: string, paragraphs: string[]): string {
  return [
    '<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1f24;max-width:36em;margin:1em auto;padding:0 1em">',
    ...paragraphs,
    '</body></html>',
  ].join('\n');
}

const UnlockLinkSchema = z.object({
  agentId: z.string().min(1),
  name: z.string().max(200),
  organisation: z.string().max(200),
  link: z.string().url(),
  expiresMinutes: z.number().int().positive(),
});

const unlockLink: MailTemplate<typeof UnlockLinkSchema> = {
  schema: UnlockLinkSchema,
  ownerOnly: true,
  render(d) {
    const subject = 'Unlock your Parley sign-in';
    const text = [
      `Hello ${d.name},`,
      '',
      `Sign-in to your Parley account at ${d.organisation} was locked after too many failed attempts.`,
      'If it was you, open this link to lift the lock (it works once, for',
      `${d.expiresMinutes} minutes):`,
      '',
      d.link,
      '',
      'If it was not you, do nothing: your password was not accepted. Tell your',
      'administrator, who can see the attempts in the security events.',
    ].join('\n');
    const html = layout(subject, [
      `<p>Hello ${escapeHtml(d.name)},</p>`,
      `<p>Sign-in to your Parley account at ${escapeHtml(d.organisation)} was locked after too many failed attempts.</p>`,
      `<p>If it was you, open this link to lift the lock (it works once, for ${d.expiresMinutes} minutes):</p>`,
      `<p><a href="${escapeHtml(d.link)}">Unlock my sign-in</a></p>`,
      `<p style="word-break:break-all;font-size:0.9em">${escapeHtml(d.link)}</p>`,
      '<p>If it was not you, do nothing: your password was not accepted. Tell your administrator, who can see the attempts in the security events.</p>',
    ]);
    return { subject, text, html };
  },
};

const TranscriptSchema = z.object({
  organisation: z.string().max(200),
  startedAt: z.number().int(),
  /** Masked lines as the customer saw them: no internal note, payments as status lines. */
  lines: z
    .array(
      z.object({
        at: z.number().int(),
        who: z.string().max(200),
        text: z.string().max(8000),
      }),
    )
    .max(5000),
  /** Lines left out at the start because the conversation was longer than a transcript holds. */
  omitted: z.number().int().min(0),
});

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

const transcript: MailTemplate<typeof TranscriptSchema> = {
  schema: TranscriptSchema,
  ownerOnly: false,
  render(d) {
    const subject = `Your conversation with ${d.organisation}`;
    const intro = `Here is the transcript of your conversation with ${d.organisation}, started ${when(d.startedAt)}.`;
    const note =
      'Card numbers and other sensitive details were hidden before they were stored, so they do not appear here.';
    const omitted =
      d.omitted > 0 ? [`(${d.omitted} earlier lines are not included.)`, ''] : ([] as string[]);
    const text = [
      intro,
      '',
      ...omitted,
      ...d.lines.map((l) => `[${when(l.at)}] ${l.who}: ${l.text}`),
      '',
      note,
    ].join('\n');
    const html = layout(subject, [
      `<p>${escapeHtml(intro)}</p>`,
      ...(d.omitted > 0 ? [`<p>(${d.omitted} earlier lines are not included.)</p>`] : []),
      '<table style="border-collapse:collapse;width:100%">',
      ...d.lines.map(
        (l) =>
          `<tr><td style="vertical-align:top;padding:0.25em 0.5em 0.25em 0;color:#57606a;white-space:nowrap;font-size:0.85em">${escapeHtml(when(l.at))}</td>` +
          `<td style="vertical-align:top;padding:0.25em 0"><strong>${escapeHtml(l.who)}</strong><br>${escapeHtml(l.text).replace(/\n/g, '<br>')}</td></tr>`,
      ),
      '</table>',
      `<p style="font-size:0.9em;color:#57606a">${escapeHtml(note)}</p>`,
    ]);
    return { subject, text, html };
  },
};

const OfflineMessageSchema = z.object({
  organisation: z.string().max(200),
  /** The customer's name and message, masked. No e-mail address: replies go from the console. */
  visitorName: z.string().max(200),
  message: z.string().max(8000),
  consoleLink: z.string().url(),
});

const offlineMessage: MailTemplate<typeof OfflineMessageSchema> = {
  schema: OfflineMessageSchema,
  ownerOnly: false,
  render(d) {
    const subject = `New message from ${d.visitorName} (left while you were away)`;
    const lead = `${d.visitorName} left a message for ${d.organisation} while nobody was available:`;
    const after =
      'It is waiting in the queue. Reply from the console; the customer gets your reply by e-mail.';
    const text = [lead, '', d.message, '', after, d.consoleLink].join('\n');
    const html = layout(subject, [
      `<p>${escapeHtml(lead)}</p>`,
      `<blockquote style="margin:0;padding:0.5em 1em;border-left:3px solid #d0d7de">${escapeHtml(d.message).replace(/\n/g, '<br>')}</blockquote>`,
      `<p>${escapeHtml(after)}</p>`,
      `<p><a href="${escapeHtml(d.consoleLink)}">Open the console</a></p>`,
    ]);
    return { subject, text, html };
  },
};

const OfflineReplySchema = z.object({
  organisation: z.string().max(200),
  agentName: z.string().max(200),
  /** The agent's reply as stored (masked). */
  message: z.string().max(8000),
  /** Continues the conversation in the chat: works once, until `expiresDays` have passed. */
  link: z.string().url(),
  expiresDays: z.number().int().positive(),
});

const offlineReply: MailTemplate<typeof OfflineReplySchema> = {
  schema: OfflineReplySchema,
  // The link acts for the customer, but the customer is no agent: the service sends it only
  // to the address the customer left on the conversation (modules/offline).
  ownerOnly: false,
  render(d) {
    const subject = `${d.organisation} replied to your message`;
    const lead = `${d.agentName} from ${d.organisation} replied:`;
    const more = `To answer, continue in the chat (the link works once, for ${d.expiresDays} days):`;
    const text = [
      lead,
      '',
      d.message,
      '',
      more,
      d.link,
      '',
      'Please do not send card details by e-mail or chat.',
    ].join('\n');
    const html = layout(subject, [
      `<p>${escapeHtml(lead)}</p>`,
      `<blockquote style="margin:0;padding:0.5em 1em;border-left:3px solid #d0d7de">${escapeHtml(d.message).replace(/\n/g, '<br>')}</blockquote>`,
      `<p>${escapeHtml(more)}</p>`,
      `<p><a href="${escapeHtml(d.link)}">Continue in the chat</a></p>`,
      '<p style="font-size:0.9em;color:#57606a">Please do not send card details by e-mail or chat.</p>',
    ]);
    return { subject, text, html };
  },
};

export const TEMPLATES = {
  unlock_link: unlockLink,
  transcript,
  offline_message: offlineMessage,
  offline_reply: offlineReply,
} as const;

export type TemplateName = keyof typeof TEMPLATES;
export type TemplateData<N extends TemplateName> = z.infer<(typeof TEMPLATES)[N]['schema']>;

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(TEMPLATES, name);
}

/** Renders a stored e-mail: its data is checked against the template's schema first. */
export function renderTemplate(
  name: TemplateName,
  data: unknown,
): { subject: string; text: string; html: string } {
  // Each branch narrows the template, so its render receives its own data type.
  switch (name) {
    case 'unlock_link':
      return TEMPLATES.unlock_link.render(TEMPLATES.unlock_link.schema.parse(data));
    case 'transcript':
      return TEMPLATES.transcript.render(TEMPLATES.transcript.schema.parse(data));
    case 'offline_message':
      return TEMPLATES.offline_message.render(TEMPLATES.offline_message.schema.parse(data));
    case 'offline_reply':
      return TEMPLATES.offline_reply.render(TEMPLATES.offline_reply.schema.parse(data));
  }
}
