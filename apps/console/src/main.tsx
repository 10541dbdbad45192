import { render } from 'preact';
import { App } from './app';
import { lang, loadLanguage, PSEUDO_LOCALE, t } from './i18n';
import './styles.css';

// Screen readers pronounce the console in its language (WCAG 3.1.1).
document.documentElement.lang = lang === PSEUDO_LOCALE ? 'en' : lang;
const root = document.getElementById('app');
void loadLanguage()
  .catch(() => undefined) // English, then
  .finally(() => {
    // index.html's <title> is English; the tab says it in the console's language.
    document.title = t('workspace.title');
    if (root) render(<App />, root);
  });
