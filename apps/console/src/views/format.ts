import type { ConversationSummary } from '@parley/protocol';

export function visitorName(c: ConversationSummary): string {
  return c.visitor.name ?? `Visitor ${c.visitor.id.slice(-4).toUpperCase()}`;
}

export function timeOf(ms: number): string {
  const d = new Date(ms);
  const today = new Date();
  return d.toDateString() === today.toDateString()
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString([], { day: 'numeric', month: 'short' });
}
