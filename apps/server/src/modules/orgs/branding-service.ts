import {
  BRAND_LANGUAGES,
  BRAND_TEXT_COLOUR,
  BrandingUpdateSchema,
  ParleyError,
  ensureBrandContrast,
  type BrandLanguage,
  type BrandTexts,
  type BrandingSettings,
  type BrandingUpdate,
  type WidgetBranding,
} from '@parley/protocol';
import type { Store } from '../../store';
import { audit } from '../audit';
import { can, type AgentContext } from '../auth';

/** What a widget shows before an admin sets anything (the colours of apps/widget's CSS). */
export const DEFAULT_BRANDING: BrandingUpdate = {
  colour: '#1f4fd1',
  position: 'right',
  offsetX: 20,
  offsetY: 20,
  launcherLabel: '',
  launcherIcon: 'chat',
  texts: {},
};

/** Reads the stored document; a row that no longer parses falls back to the defaults. */
function parseStored(settings: string | undefined): BrandingUpdate {
  if (settings === undefined) return DEFAULT_BRANDING;
  try {
    const parsed = BrandingUpdateSchema.safeParse(JSON.parse(settings));
    return parsed.success ? parsed.data : DEFAULT_BRANDING;
  } catch {
    return DEFAULT_BRANDING;
  }
}

function present(
  doc: BrandingUpdate & { adjustedFrom?: string | null },
  version: number,
  updatedAt: number | null,
): BrandingSettings {
  // Checked again on the way out: a default or an older row cannot show a failing colour either.
  const check = ensureBrandContrast(doc.colour);
  return {
    colour: check.colour,
    position: doc.position,
    offsetX: doc.offsetX,
    offsetY: doc.offsetY,
    launcherLabel: doc.launcherLabel,
    launcherIcon: doc.launcherIcon,
    texts: doc.texts,
    textColour: BRAND_TEXT_COLOUR,
    contrast: Math.round(check.ratio * 100) / 100,
    adjustedFrom: doc.adjustedFrom ?? (check.adjusted ? doc.colour : null),
    version,
    updatedAt,
  };
}

/** The asked language as one of the four, else English. */
export function brandLanguage(lang: string | undefined): BrandLanguage {
  const base = (lang ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  return (BRAND_LANGUAGES as readonly string[]).includes(base) ? (base as BrandLanguage) : 'en';
}

/** One text in the visitor's language, English where that language has none. */
function pick(
  texts: BrandingUpdate['texts'],
  lang: BrandLanguage,
  key: keyof BrandTexts,
): string | undefined {
  const own = texts[lang]?.[key];
  if (own) return own;
  const en = texts.en?.[key];
  return en ? en : undefined;
}

/** The widget's branding (issue 15 item 6, docs/widget.md "Branding"): admins only, audited. */
export function createBrandingService(deps: { store: Store; now?: () => number }) {
  const now = deps.now ?? Date.now;
  const load = async (orgId: string) => {
    const row = await deps.store.branding.get(orgId);
    return { row, doc: parseStored(row?.settings) };
  };
  const assertManage = (ctx: AgentContext) => {
    if (!can(ctx.actor, 'settings:manage', { orgId: ctx.organisation.id }))
      throw new ParleyError('forbidden');
  };
  return {
    async get(ctx: AgentContext): Promise<BrandingSettings> {
      assertManage(ctx);
      const { row, doc } = await load(ctx.organisation.id);
      return present(doc, row?.version ?? 0, row?.updatedAt ?? null);
    },

    /**
     * Stores the branding with its audit entry in one transaction. A colour under WCAG AA with
     * the widget's white text is never stored as chosen: the darkened colour is, and the
     * answer names the chosen one (`adjustedFrom`) so the console can say so.
     */
    async save(ctx: AgentContext, input: unknown, ip: string): Promise<BrandingSettings> {
      assertManage(ctx);
      const body = BrandingUpdateSchema.parse(input);
      const check = ensureBrandContrast(body.colour);
      const doc = {
        ...body,
        colour: check.colour,
        adjustedFrom: check.adjusted ? body.colour : null,
      };
      const orgId = ctx.organisation.id;
      const row = await deps.store.transaction(async (tx) => {
        const stored = await deps.store.branding.put(
          orgId,
          JSON.stringify(doc),
          ctx.agent.id,
          now(),
          tx,
        );
        await audit.record(
          deps.store,
          {
            orgId,
            actor: { kind: 'agent', id: ctx.agent.id },
            action: 'settings.branding',
            outcome: 'success',
            ip,
            resource: { type: 'organisation', id: orgId },
            detail: {
              colour: doc.colour,
              ...(check.adjusted ? { adjustedFrom: body.colour } : {}),
              position: doc.position,
              languages: Object.keys(doc.texts).join(','),
              version: stored.version,
            },
          },
          tx,
        );
        return stored;
      });
      return present(doc, row.version, row.updatedAt);
    },

    /** What the widget draws for a visitor who reads `lang`; the texts already picked. */
    async forWidget(
      orgId: string,
      lang: string | undefined,
      fallbackGreeting: string,
    ): Promise<{ branding: WidgetBranding; greeting: string }> {
      const { doc } = await load(orgId);
      const l = brandLanguage(lang);
      const offline = pick(doc.texts, l, 'offline');
      const replyTime = pick(doc.texts, l, 'replyTime');
      return {
        greeting: pick(doc.texts, l, 'greeting') ?? fallbackGreeting,
        branding: {
          colour: ensureBrandContrast(doc.colour).colour,
          textColour: BRAND_TEXT_COLOUR,
          position: doc.position,
          offsetX: doc.offsetX,
          offsetY: doc.offsetY,
          launcherLabel: doc.launcherLabel,
          launcherIcon: doc.launcherIcon,
          ...(offline ? { offline } : {}),
          ...(replyTime ? { replyTime } : {}),
        },
      };
    },
  };
}

export type BrandingService = ReturnType<typeof createBrandingService>;
