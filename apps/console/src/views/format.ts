import { intlLocale, t } from '../i18n';
import type { ConversationSummary } from '@parley/protocol';

export function visitorName(c: ConversationSummary): string {
  return c.visitor.name ?? t('workspace.visitor', { id: c.visitor.id.slice(-4).toUpperCase() });
}

export function timeOf(ms: number): string {
  const d = new Date(ms);
  const today = new Date();
  return d.toDateString() === today.toDateString()
    ? d.toLocaleTimeString(intlLocale, { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString(intlLocale, { day: 'numeric', month: 'short' });
}

/** A date and time in the agent's language ('—' for none). */
export function dateTime(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toLocaleString(intlLocale);
}

/** The browser tab's title for a page of the console. */
export function pageTitle(page: string): string {
  return t('workspace.pageTitle', { page });
}

/** A file's size in the agent's language: "12 B", "3.4 KB", "1.2 MB". */
export function fileSize(bytes: number): string {
  const [value, unit] =
    bytes < 1024
      ? [bytes, 'byte']
      : bytes < 1024 * 1024
        ? [bytes / 1024, 'kilobyte']
        : [bytes / (1024 * 1024), 'megabyte'];
  return new Intl.NumberFormat(intlLocale, {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: bytes < 1024 ? 0 : 1,
  }).format(value);
}
