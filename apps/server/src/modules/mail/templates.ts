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

export const TEMPLATES = {
  unlock_link: unlockLink,
} as const;

export type TemplateName = keyof typeof TEMPLATES;
export type TemplateData<N extends TemplateName> = z.infer<(typeof TEMPLATES)[N]['schema']>;

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(TEMPLATES, name);
}
