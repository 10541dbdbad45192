import { useEffect, useState } from 'preact/hooks';
import {
  AA_CONTRAST,
  BRAND_LANGUAGES,
  BRAND_TEXT_COLOUR,
  LAUNCHER_ICONS,
  ensureBrandContrast,
  type BrandLanguage,
  type BrandTexts,
  type BrandingSettings,
  type BrandingUpdate,
  type SessionInfo,
} from '@parley/protocol';
import { ApiError } from '../lib/api';
import { brandingApi } from '../lib/branding-api';
import { t } from '../i18n';
import { BrandingPreview } from './branding-preview';
import { SettingsHeader } from './settings-header';
import './branding.css';

const explain = (e: unknown): string => (e instanceof ApiError ? e.message : t('branding.failed'));

const toDraft = (s: BrandingSettings): BrandingUpdate => ({
  colour: s.adjustedFrom ?? s.colour,
  position: s.position,
  offsetX: s.offsetX,
  offsetY: s.offsetY,
  launcherLabel: s.launcherLabel,
  launcherIcon: s.launcherIcon,
  texts: s.texts,
});

const LANGUAGE_NAMES: Record<BrandLanguage, () => string> = {
  en: () => t('widgetTexts.english'),
  de: () => t('widgetTexts.german'),
  fr: () => t('widgetTexts.french'),
  es: () => t('widgetTexts.spanish'),
};
const ICON_NAMES: Record<BrandingUpdate['launcherIcon'], () => string> = {
  chat: () => t('branding.iconChat'),
  bubbles: () => t('branding.iconBubbles'),
  question: () => t('branding.iconQuestion'),
  headset: () => t('branding.iconHeadset'),
};
const ratio = (n: number) => (Math.floor(n * 100) / 100).toFixed(2);

/** Admin page: the widget's colour, position, launcher and texts per language, with a live preview. */
export function BrandingSettingsPage({ session }: { session: SessionInfo }) {
  const [draft, setDraft] = useState<BrandingUpdate | null>(null);
  const [lang, setLang] = useState<BrandLanguage>('en');
  const [outcome, setOutcome] = useState<{ error: string } | { notice: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = `${t('branding.title')} · Parley`;
    brandingApi.get().then(
      (s) => setDraft(toDraft(s)),
      (e: unknown) => setOutcome({ error: explain(e) }),
    );
  }, []);

  if (session.agent.role !== 'admin')
    return (
      <p class="centered" role="alert">
        {t('branding.adminsOnly')}
      </p>
    );

  const valid = draft !== null && /^#[0-9a-fA-F]{6}$/.test(draft.colour);
  const check = valid ? ensureBrandContrast(draft.colour) : null;
  const set = (patch: Partial<BrandingUpdate>) => draft && setDraft({ ...draft, ...patch });
  const setText = (key: keyof BrandTexts, value: string) =>
    draft &&
    setDraft({
      ...draft,
      texts: { ...draft.texts, [lang]: { ...draft.texts[lang], [key]: value } },
    });

  async function save(ev: Event): Promise<void> {
    ev.preventDefault();
    if (!draft || !check) return;
    setBusy(true);
    setOutcome(null);
    try {
      // The adjusted colour is what is stored anyway (the server adjusts too); send it as such.
      const saved = await brandingApi.save({ ...draft, colour: check.colour });
      setDraft(toDraft({ ...saved, adjustedFrom: null }));
      setOutcome({ notice: t('branding.saved') });
    } catch (e) {
      setOutcome({ error: explain(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="app admin">
      <SettingsHeader
        session={session}
        links={[['/settings/organisation', t('branding.organisationLink')]]}
      />
      <main class="admin-main branding-settings" data-testid="branding-settings">
        <h1>{t('branding.title')}</h1>
        {!draft ? (
          outcome && 'error' in outcome ? (
            <p class="error" role="alert">
              {outcome.error}
            </p>
          ) : (
            <p>{t('branding.loading')}</p>
          )
        ) : (
          <div class="branding-layout">
            <form
              class="card settings-card"
              onSubmit={(ev) => void save(ev)}
              aria-labelledby="branding-look"
            >
              <h2 id="branding-look">{t('branding.look')}</h2>
              <label for="brand-colour">{t('branding.colour')}</label>
              <div class="brand-colour-row">
                <input
                  id="brand-colour-picker"
                  type="color"
                  aria-label={t('branding.colourPicker')}
                  value={valid ? draft.colour.toLowerCase() : '#000000'}
                  onInput={(e) => set({ colour: e.currentTarget.value })}
                />
                <input
                  id="brand-colour"
                  data-testid="brand-colour"
                  value={draft.colour}
                  maxLength={7}
                  pattern="#[0-9a-fA-F]{6}"
                  aria-describedby="brand-contrast"
                  onInput={(e) => set({ colour: e.currentTarget.value.trim() })}
                />
              </div>
              <ContrastLine check={check} onUse={(c) => set({ colour: c })} />
              <fieldset>
                <legend>{t('branding.position')}</legend>
                {(['left', 'right'] as const).map((p) => (
                  <label key={p} class="inline">
                    <input
                      type="radio"
                      name="brand-position"
                      value={p}
                      data-testid={`brand-position-${p}`}
                      checked={draft.position === p}
                      onChange={() => set({ position: p })}
                    />
                    {p === 'left' ? t('branding.left') : t('branding.right')}
                  </label>
                ))}
              </fieldset>
              <label for="brand-offset-x">{t('branding.offsetX')}</label>
              <input
                id="brand-offset-x"
                type="number"
                min={0}
                max={200}
                value={draft.offsetX}
                onInput={(e) => set({ offsetX: clampOffset(e.currentTarget.valueAsNumber) })}
              />
              <label for="brand-offset-y">{t('branding.offsetY')}</label>
              <input
                id="brand-offset-y"
                type="number"
                min={0}
                max={200}
                value={draft.offsetY}
                onInput={(e) => set({ offsetY: clampOffset(e.currentTarget.valueAsNumber) })}
              />
              <label for="brand-label">{t('branding.launcherLabel')}</label>
              <input
                id="brand-label"
                maxLength={40}
                value={draft.launcherLabel}
                onInput={(e) => set({ launcherLabel: e.currentTarget.value })}
              />
              <label for="brand-icon">{t('branding.launcherIcon')}</label>
              <select
                id="brand-icon"
                value={draft.launcherIcon}
                onChange={(e) =>
                  set({ launcherIcon: e.currentTarget.value as BrandingUpdate['launcherIcon'] })
                }
              >
                {LAUNCHER_ICONS.map((i) => (
                  <option key={i} value={i}>
                    {ICON_NAMES[i]()}
                  </option>
                ))}
              </select>
              <WidgetTexts
                lang={lang}
                setLang={setLang}
                texts={draft.texts[lang]}
                setText={setText}
              />
              <div>
                <button
                  type="submit"
                  class="btn primary"
                  disabled={busy || !valid}
                  data-testid="brand-save"
                >
                  {t('branding.save')}
                </button>
              </div>
              {outcome &&
                ('error' in outcome ? (
                  <p class="error" role="alert">
                    {outcome.error}
                  </p>
                ) : (
                  <p class="saved" role="status" data-testid="branding-status">
                    {outcome.notice}
                  </p>
                ))}
            </form>
            <BrandingPreview
              draft={draft}
              colour={check?.colour ?? '#1f4fd1'}
              textColour={BRAND_TEXT_COLOUR}
              lang={lang}
              orgName={session.organisation.name}
            />
          </div>
        )}
      </main>
    </div>
  );
}

function clampOffset(n: number): number {
  return Number.isFinite(n) ? Math.min(200, Math.max(0, Math.round(n))) : 0;
}

/** The contrast of the widget's text on the chosen colour, and the AA colour when it fails. */
function ContrastLine({
  check,
  onUse,
}: {
  check: ReturnType<typeof ensureBrandContrast> | null;
  onUse: (colour: string) => void;
}) {
  if (!check)
    return (
      <p class="hint" id="brand-contrast">
        {t('branding.colourFormat')}
      </p>
    );
  if (!check.adjusted)
    return (
      <p class="hint" id="brand-contrast" data-testid="brand-contrast">
        {t('branding.contrastOk', { ratio: ratio(check.chosenRatio), min: AA_CONTRAST })}
      </p>
    );
  return (
    <div class="warning" id="brand-contrast" role="status" data-testid="brand-contrast-warning">
      <p>
        {t('branding.contrastLow', { ratio: ratio(check.chosenRatio), min: AA_CONTRAST })}{' '}
        {t('branding.contrastAdjusted', { colour: check.colour, ratio: ratio(check.ratio) })}
      </p>
      <button type="button" class="btn small" onClick={() => onUse(check.colour)}>
        {t('branding.useAdjusted')}
      </button>
    </div>
  );
}

/** The organisation's texts in one language at a time; empty ones fall back to English. */
function WidgetTexts({
  lang,
  setLang,
  texts,
  setText,
}: {
  lang: BrandLanguage;
  setLang: (l: BrandLanguage) => void;
  texts: BrandTexts | undefined;
  setText: (key: keyof BrandTexts, value: string) => void;
}) {
  return (
    <fieldset data-testid="widget-texts">
      <legend>{t('widgetTexts.title')}</legend>
      <label for="brand-lang">{t('widgetTexts.language')}</label>
      <select
        id="brand-lang"
        value={lang}
        onChange={(e) => setLang(e.currentTarget.value as BrandLanguage)}
      >
        {BRAND_LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {LANGUAGE_NAMES[l]()}
          </option>
        ))}
      </select>
      <p class="hint">
        {lang === 'en' ? t('widgetTexts.englishHint') : t('widgetTexts.fallbackHint')}
      </p>
      <label for="brand-greeting">{t('widgetTexts.greeting')}</label>
      <textarea
        id="brand-greeting"
        rows={2}
        maxLength={500}
        value={texts?.greeting ?? ''}
        onInput={(e) => setText('greeting', e.currentTarget.value)}
      />
      <label for="brand-offline">{t('widgetTexts.offline')}</label>
      <textarea
        id="brand-offline"
        rows={2}
        maxLength={500}
        value={texts?.offline ?? ''}
        onInput={(e) => setText('offline', e.currentTarget.value)}
      />
      <label for="brand-reply">{t('widgetTexts.replyTime')}</label>
      <input
        id="brand-reply"
        maxLength={200}
        value={texts?.replyTime ?? ''}
        onInput={(e) => setText('replyTime', e.currentTarget.value)}
      />
    </fieldset>
  );
}
