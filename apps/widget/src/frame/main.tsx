import { render } from 'preact';
import { App } from './app';
import { lang, PSEUDO_LOCALE, t } from './i18n';
import './styles.css';

// Screen readers pronounce the frame in its language (WCAG 3.1.1).
document.documentElement.lang = lang === PSEUDO_LOCALE ? 'en' : lang;
document.title = t('app.title');
const root = document.getElementById('app');
if (root) render(<App />, root);
