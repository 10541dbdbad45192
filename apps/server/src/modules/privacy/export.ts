import { formatMoney } from '@parley/protocol';
import type { Organisation, Store } from '../../store';
import { audit } from '../audit';
import type { EraseActor } from './service';
import { verifiedDetails } from './subject';

const MESSAGE_PAGE = 500;

/**
 * An access request's answer (GDPR art. 15; issue 12 item 5): everything Parley holds about the
 * visitors, as JSON, with a readable HTML transcript. Payments appear as the vault reported them
 * to the chat (status, amount, brand, last four, reference): never card data, which the chat
 * never had (law 2). Audited with counts, never content.
 */
export async function exportSubject(
  store: Store,
  org: Organisation,
  visitorIds: string[],
  actor: EraseActor,
  ip?: string,
): Promise<{ data: SubjectExport; html: string }> {
  const data = await collect(store, org, visitorIds);
  const conversations = data.visitors.reduce((n, v) => n + v.conversations.length, 0);
  const messages = data.visitors.reduce(
    (n, v) => n + v.conversations.reduce((k, c) => k + c.messages.length, 0),
    0,
  );
  // An export that could not be audited is not handed out (law 6).
  await store.transaction((tx) =>
    audit.record(
      store,
      {
        orgId: org.id,
        actor,
        action: 'privacy.export',
        outcome: 'success',
        ip: ip ?? null,
        resource: { type: 'visitor', id: visitorIds.length === 1 ? (visitorIds[0] ?? null) : null },
        detail: { visitors: data.visitors.length, conversations, messages },
      },
      tx,
    ),
  );
  return { data, html: transcriptHtml(data) };
}

export type SubjectExport = Awaited<ReturnType<typeof collect>>;

async function collect(store: Store, org: Organisation, visitorIds: string[]) {
  const agents = new Map((await store.agents.list(org.id)).map((a) => [a.id, a.name]));
  const visitors = [];
  for (const id of visitorIds) {
    const v = await store.visitors.byId(org.id, id);
    if (!v) continue;
    const consents = await store.consent.forVisitor(org.id, id);
    const versions = new Map(
      (await store.consent.versions(org.id)).map((x) => [x.version, x] as const),
    );
    const conversations = [];
    for (const c of await store.conversations.listForVisitor(org.id, id)) {
      const messages = [];
      for (let after = 0; ;) {
        const page = await store.messages.after(org.id, c.id, after, MESSAGE_PAGE);
        for (const m of page)
          messages.push({
            seq: m.seq,
            from: m.senderKind,
            name:
              m.senderKind === 'agent'
                ? (m.senderName ?? agents.get(m.senderId ?? '') ?? 'Agent')
                : m.senderKind === 'visitor'
                  ? (v.name ?? 'Visitor')
                  : 'System',
            text: m.text,
            masked: m.masked,
            at: new Date(m.createdAt).toISOString(),
          });
        const last = page[page.length - 1];
        if (!last || page.length < MESSAGE_PAGE) break;
        after = last.seq;
      }
      conversations.push({
        id: c.id,
        status: c.status,
        startedAt: new Date(c.createdAt).toISOString(),
        closedAt: c.closedAt === null ? null : new Date(c.closedAt).toISOString(),
        agent: c.agentName,
        messages,
        files: (await store.files.listForConversation(org.id, c.id)).map((f) => ({
          id: f.id,
          name: f.name,
          type: f.mime,
          size: f.size,
          status: f.status,
          at: new Date(f.createdAt).toISOString(),
        })),
        payments: (await store.payments.listForConversation(org.id, c.id)).map((p) => ({
          id: p.id,
          status: p.status,
          amount: p.amount,
          currency: p.currency,
          description: p.description,
          refunded: p.amountRefunded,
          brand: p.brand,
          last4: p.last4,
          reference: p.gatewayReference,
          at: new Date(p.createdAt).toISOString(),
        })),
      });
    }
    visitors.push({
      id: v.id,
      name: v.name,
      firstSeen: new Date(v.createdAt).toISOString(),
      erased: v.revokedAt !== null && v.name === null,
      verifiedIdentity: (await verifiedDetails(store, org.id, id)) ?? null,
      consents: consents.map((c) => ({
        conversationId: c.conversationId,
        version: c.version,
        text: versions.get(c.version)?.text ?? null,
        privacyUrl: versions.get(c.version)?.privacyUrl ?? null,
        givenAt: new Date(c.givenAt).toISOString(),
        withdrawnAt: c.withdrawnAt === null ? null : new Date(c.withdrawnAt).toISOString(),
      })),
      conversations,
    });
  }
  return {
    format: 'parley-data-export/1',
    exportedAt: new Date().toISOString(),
    organisation: { id: org.id, name: org.name },
    visitors,
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained page (no script, no remote resource) a person can read and print. */
export function transcriptHtml(data: SubjectExport): string {
  const parts: string[] = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<title>Data held by ${esc(data.organisation.name)}</title>`,
    '<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1c1f24}',
    'h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}h3{font-size:1rem}',
    'ol{padding-left:1.2rem}li{margin:.3rem 0}.meta{color:#5f6672;font-size:.85rem}',
    'table{border-collapse:collapse}td,th{border:1px solid #dde1e7;padding:.25rem .5rem;text-align:left}</style>',
    '</head><body>',
    `<h1>Data held by ${esc(data.organisation.name)}</h1>`,
    `<p class="meta">Exported ${esc(data.exportedAt)} by Parley. Card numbers are never stored; payments show at most the card brand and last four digits.</p>`,
  ];
  for (const v of data.visitors) {
    parts.push(`<h2>Visitor ${esc(v.name ?? '(no name)')}</h2>`);
    parts.push(`<p class="meta">Id ${esc(v.id)} · first seen ${esc(v.firstSeen)}</p>`);
    if (v.verifiedIdentity)
      parts.push(
        `<p>Verified by the website as ${esc(v.verifiedIdentity.name ?? '')} ${esc(v.verifiedIdentity.email ?? '')} (id ${esc(v.verifiedIdentity.sub)}).</p>`,
      );
    if (v.consents.length > 0) {
      parts.push('<h3>Consents</h3><ul>');
      for (const c of v.consents)
        parts.push(
          `<li>Version ${c.version}, given ${esc(c.givenAt)}${c.withdrawnAt ? `, withdrawn ${esc(c.withdrawnAt)}` : ''}: “${esc(c.text ?? '')}”</li>`,
        );
      parts.push('</ul>');
    }
    for (const c of v.conversations) {
      parts.push(
        `<h3>Conversation ${esc(c.startedAt)}</h3><p class="meta">${esc(c.status)}${c.closedAt ? `, closed ${esc(c.closedAt)}` : ''}${c.agent ? `, with ${esc(c.agent)}` : ''}</p>`,
      );
      if (c.messages.length === 0) parts.push('<p>No messages are stored.</p>');
      else {
        parts.push('<ol>');
        for (const m of c.messages)
          parts.push(
            `<li><strong>${esc(m.name)}</strong> <span class="meta">${esc(m.at)}</span><br>${esc(m.text)}</li>`,
          );
        parts.push('</ol>');
      }
      if (c.files.length > 0) {
        parts.push('<p>Files:</p><ul>');
        for (const f of c.files)
          parts.push(`<li>${esc(f.name)} (${esc(f.type)}, ${f.size} bytes, ${esc(f.status)})</li>`);
        parts.push('</ul>');
      }
      if (c.payments.length > 0) {
        parts.push(
          '<table><caption>Payments</caption><tr><th>Status</th><th>Amount</th><th>Card</th><th>Reference</th></tr>',
        );
        for (const p of c.payments)
          parts.push(
            `<tr><td>${esc(p.status)}</td><td>${esc(formatMoney(p.amount, p.currency, 'en'))}</td><td>${esc(p.brand ?? '')} ${p.last4 ? `•••• ${esc(p.last4)}` : ''}</td><td>${esc(p.reference ?? '')}</td></tr>`,
          );
        parts.push('</table>');
      }
    }
  }
  parts.push('</body></html>');
  return parts.join('\n');
}
