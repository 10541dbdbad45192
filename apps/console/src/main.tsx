import { render } from 'preact';
import { App } from './app';
import { lang, loadLanguage, PSEUDO_LOCALE } from './i18n';
import './styles.css';

// Screen readers pronounce the console in its language (WCAG 3.1.1).
document.documentElement.lang = lang === PSEUDO_LOCALE ? 'en' : lang;
const root = document.getElementById('app');
void loadLanguage()
  .catch(() => undefined) // English, then
  .finally(() => {
    if (root) render(<App />, root);
  });
