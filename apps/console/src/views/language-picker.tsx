import { chooseLanguage, chosenLanguage, SHIPPED, t } from '../i18n';

// Each language named in itself, so that an agent who cannot read the current one finds theirs.
const AUTONYMS: Record<string, string> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  es: 'Español',
};

/**
 * The agent's console language (issue 15 item 7): the browser's by default, or one chosen
 * here, which wins over the browser's (a `?lang=` in the address still wins over both).
 * Stored in this browser, and applied by reloading (the catalog is loaded before rendering).
 */
export function LanguagePicker() {
  const current = chosenLanguage();
  const value = current && SHIPPED.includes(current) ? current : '';
  return (
    <section class="card" aria-labelledby="language-title" data-testid="language-picker">
      <h2 id="language-title">{t('settings.languageTitle')}</h2>
      <p class="hint">{t('settings.languageHint')}</p>
      <label for="language-choice">{t('settings.languageLabel')}</label>
      <select
        id="language-choice"
        data-testid="language-choice"
        value={value}
        onChange={(e) => {
          const next = e.currentTarget.value;
          chooseLanguage(next === '' ? null : next);
          location.reload();
        }}
      >
        <option value="">{t('settings.languageBrowser')}</option>
        {SHIPPED.map((code) => (
          <option key={code} value={code} lang={code}>
            {AUTONYMS[code] ?? code}
          </option>
        ))}
      </select>
    </section>
  );
}
