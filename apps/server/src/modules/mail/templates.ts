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

export const TEMPLATES = {
  unlock_link: unlockLink,
  transcript,
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
  }
}
