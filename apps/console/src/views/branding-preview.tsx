import { LAUNCHER_ICON_PATHS, type BrandLanguage, type BrandingUpdate } from '@parley/protocol';
import { t } from '../i18n';

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
            <path d={LAUNCHER_ICON_PATHS[draft.launcherIcon]} />
          </svg>
          {draft.launcherLabel && <span>{draft.launcherLabel}</span>}
        </span>
      </div>
    </figure>
  );
}
