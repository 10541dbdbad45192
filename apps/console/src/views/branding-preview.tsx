import type { BrandLanguage, BrandingUpdate } from '@parley/protocol';
import { t } from '../i18n';

/** The launcher icons' paths, as apps/widget/src/loader/styles.ts draws them. */
const ICON_PATHS: Record<BrandingUpdate['launcherIcon'], string> = {
  chat: 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z',
  bubbles:
    'M3 3h12a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H8l-4 3v-3H3a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm15 4h3a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1h-1v3l-4-3h-5a1 1 0 0 1-1-1v-1h6a2 2 0 0 0 2-2z',
  question:
    'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 16h-2v-2h2zm2.1-7.8-.9.9A3.4 3.4 0 0 0 13 14h-2v-.5a4 4 0 0 1 1.2-2.8l1.2-1.3A2 2 0 1 0 10 8H8a4 4 0 1 1 7.1 2.2z',
  headset:
    'M12 2a9 9 0 0 0-9 9v6a3 3 0 0 0 3 3h2v-8H5v-1a7 7 0 0 1 14 0v1h-3v8h3v1h-6v2h6a2 2 0 0 0 2-2v-9a9 9 0 0 0-9-9z',
};

/**
 * A faithful preview of the widget (issue 15 item 6): the frame's header, a greeting and a
 * visitor bubble, and the loader's launcher, with the widget's own measures and the colour the
 * server would store (`colour`, already adjusted for AA). Decorative: hidden from the
 * accessibility tree except for its label, since every value is in the form beside it.
 */
export function BrandingPreview({
  draft,
  colour,
  textColour,
  lang,
  orgName,
}: {
  draft: BrandingUpdate;
  colour: string;
  textColour: string;
  lang: BrandLanguage;
  orgName: string;
}) {
  const texts = draft.texts[lang];
  const en = draft.texts.en;
  const greeting = texts?.greeting || en?.greeting || '';
  const replyTime = texts?.replyTime || en?.replyTime || t('branding.previewReplyTime');
  const side = draft.position === 'left' ? 'left' : 'right';
  // CSSOM custom properties (the console's CSP allows no inline style attribute in markup).
  const ref = (el: HTMLElement | null) => {
    if (!el) return;
    el.style.setProperty('--brand', colour);
    el.style.setProperty('--on-brand', textColour);
    el.style.setProperty('--brand-x', `${Math.round(draft.offsetX / 2)}px`);
    el.style.setProperty('--brand-y', `${Math.round(draft.offsetY / 2)}px`);
  };
  return (
    <figure
      class={`brand-preview ${side}`}
      ref={ref}
      data-testid="branding-preview"
      data-colour={colour}
      data-position={side}
      lang={lang}
    >
      <figcaption>{t('branding.previewTitle')}</figcaption>
      <div class="brand-page" aria-hidden="true">
        <div class={`brand-panel ${side}`}>
          <div class="brand-head">
            <strong>{orgName}</strong>
            <span>{replyTime}</span>
          </div>
          <div class="brand-body">
            {greeting && <p class="brand-bubble theirs">{greeting}</p>}
            <p class="brand-bubble mine">{t('branding.previewVisitor')}</p>
          </div>
        </div>
        <span class={`brand-launcher ${side}`} data-testid="branding-preview-launcher">
          <svg viewBox="0 0 24 24" focusable="false">
            <path d={ICON_PATHS[draft.launcherIcon]} />
          </svg>
          {draft.launcherLabel && <span>{draft.launcherLabel}</span>}
        </span>
      </div>
    </figure>
  );
}
