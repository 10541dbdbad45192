import { linkParts } from '../lib/links';

/**
 * A message's text with its links clickable (issue 14 item 11): http(s) only, opened
 * apart from the console (`noopener noreferrer`) and vouched for by no one (`nofollow`),
 * each followed by the host it really opens, so a link whose text names one site and
 * leads to another shows where it goes.
 */
export function MessageText({ text }: { text: string }) {
  return (
    <div class="msg-text">
      {linkParts(text).map((p, i) =>
        p.kind === 'text' ? (
          p.text
        ) : (
          <span key={i} class="msg-link">
            <a
              href={p.href}
              target="_blank"
              rel="noopener noreferrer nofollow"
              data-testid="message-link"
            >
              {p.text}
            </a>{' '}
            <span class="link-host" data-testid="link-host">
              ({p.host})
            </span>
          </span>
        ),
      )}
    </div>
  );
}
