import type { SessionInfo } from '@parley/protocol';

/** The top bar of a settings page: the brand (back to the desk), its related links, the agent. */
export function SettingsHeader({
  session,
  links,
}: {
  session: SessionInfo;
  links: readonly (readonly [href: string, label: string])[];
}) {
  return (
    <header class="topbar">
      <div class="topbar-left">
        <a class="brand" href="/">
          Parley
        </a>
        {links.map(([href, label]) => (
          <a key={href} href={href}>
            {label}
          </a>
        ))}
      </div>
      <span class="agent-name">{session.agent.name}</span>
    </header>
  );
}
