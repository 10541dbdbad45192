import { z } from 'zod';
import type { RestRoute } from './rest-routes';

/** Languages the organisation's widget texts can be written in; English is the fallback. */
export const BRAND_LANGUAGES = ['en', 'de', 'fr', 'es'] as const;
export type BrandLanguage = (typeof BRAND_LANGUAGES)[number];

/** The launcher's built-in icons. */
export const LAUNCHER_ICONS = ['chat', 'bubbles', 'question', 'headset'] as const;

/**
 * The icons' SVG paths (24×24). The server sends the chosen one to the loader with its
 * admission, so the loader carries no icon table of its own (it stays small).
 */
export const LAUNCHER_ICON_PATHS: Readonly<Record<(typeof LAUNCHER_ICONS)[number], string>> = {
  chat: 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z',
  bubbles:
    'M3 3h12a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H8l-4 3v-3H3a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm15 4h3a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1h-1v3l-4-3h-5a1 1 0 0 1-1-1v-1h6a2 2 0 0 0 2-2z',
  question:
    'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 16h-2v-2h2zm2.1-7.8-.9.9A3.4 3.4 0 0 0 13 14h-2v-.5a4 4 0 0 1 1.2-2.8l1.2-1.3A2 2 0 1 0 10 8H8a4 4 0 1 1 7.1 2.2z',
  headset:
    'M12 2a9 9 0 0 0-9 9v6a3 3 0 0 0 3 3h2v-8H5v-1a7 7 0 0 1 14 0v1h-3v8h3v1h-6v2h6a2 2 0 0 0 2-2v-9a9 9 0 0 0-9-9z',
};

export const HexColourSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb')
  .transform((v) => v.toLowerCase());

/** The organisation's own words in one language; an empty or missing one falls back to English. */
export const BrandTextsSchema = z.object({
  greeting: z.string().trim().max(500).optional(),
  offline: z.string().trim().max(500).optional(),
  replyTime: z.string().trim().max(200).optional(),
});
export type BrandTexts = z.infer<typeof BrandTextsSchema>;

export const BrandTextsByLanguageSchema = z.object({
  en: BrandTextsSchema.optional(),
  de: BrandTextsSchema.optional(),
  fr: BrandTextsSchema.optional(),
  es: BrandTextsSchema.optional(),
});

/** What an admin sets (PUT /api/settings/branding). */
export const BrandingUpdateSchema = z.object({
  colour: HexColourSchema,
  position: z.enum(['left', 'right']),
  /** Distance of the launcher from the page's side and bottom edges, in CSS pixels. */
  offsetX: z.number().int().min(0).max(200),
  offsetY: z.number().int().min(0).max(200),
  /** Text beside the launcher's icon; empty: the icon alone (its accessible name stays). */
  launcherLabel: z.string().trim().max(40),
  launcherIcon: z.enum(LAUNCHER_ICONS),
  texts: BrandTextsByLanguageSchema,
});
export type BrandingUpdate = z.infer<typeof BrandingUpdateSchema>;

/** The stored branding as the console reads it. */
export const BrandingSettingsSchema = BrandingUpdateSchema.extend({
  /** The text colour the widget writes on `colour`, and their contrast ratio (>= 4.5). */
  textColour: z.string(),
  contrast: z.number(),
  /** The colour the admin chose when the server darkened it to meet AA; else null. */
  adjustedFrom: z.string().nullable(),
  version: z.number().int(),
  updatedAt: z.number().int().nullable(),
});
export type BrandingSettings = z.infer<typeof BrandingSettingsSchema>;

/** What the widget needs: the look, and the texts already picked for the visitor's language. */
export const WidgetBrandingSchema = z.object({
  colour: z.string(),
  textColour: z.string(),
  position: z.enum(['left', 'right']),
  offsetX: z.number().int(),
  offsetY: z.number().int(),
  launcherLabel: z.string(),
  launcherIcon: z.enum(LAUNCHER_ICONS),
  /** The organisation's texts in the asked language, English where that one has none. */
  offline: z.string().optional(),
  replyTime: z.string().optional(),
});
export type WidgetBranding = z.infer<typeof WidgetBrandingSchema>;

export const BRANDING_ROUTES: Readonly<Record<string, RestRoute>> = {
  'GET /api/settings/branding': {
    summary: "The widget's branding: colour, position, launcher, texts per language (admins)",
    tag: 'Settings',
    auth: 'agent',
    response: BrandingSettingsSchema,
  },
  'PUT /api/settings/branding': {
    summary: 'Change the branding; a colour failing WCAG AA is stored darkened (admins)',
    tag: 'Settings',
    auth: 'agent',
    body: BrandingUpdateSchema,
    response: BrandingSettingsSchema,
  },
};
