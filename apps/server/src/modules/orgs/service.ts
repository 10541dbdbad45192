import type { Organisation, Store } from '../../store';

/** Origins of the server itself (console, chat frame) and those an organisation allows to embed the widget. */
export function isAllowedOrigin(
  org: Organisation,
  origin: string | undefined,
  selfOrigins: ReadonlySet<string>,
): boolean {
  if (!origin) return false;
  return selfOrigins.has(origin) || org.allowedOrigins.includes(origin);
}

/**
 * Whether a loader request comes from a page allowed to show the widget: by the
 * browser's `Origin` header (sent on every cross-origin fetch; page scripts
 * cannot change it), or, without one, when the browser says the page is the
 * server's own (`Sec-Fetch-Site: same-origin`; same-origin GETs carry no Origin).
 */
export function loaderAllowed(
  org: Organisation,
  headers: Record<string, string | string[] | undefined>,
  selfOrigins: ReadonlySet<string>,
): boolean {
  const origin = typeof headers.origin === 'string' ? normaliseOrigin(headers.origin) : undefined;
  if (origin) return isAllowedOrigin(org, origin, selfOrigins);
  return headers.origin === undefined && headers['sec-fetch-site'] === 'same-origin';
}

/** Normalises an origin as browsers send it (scheme://host[:port], no path). Undefined when not an origin. */
export function normaliseOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

export function createOrganisation(
  store: Store,
  input: { name: string; allowedOrigins: string[]; greeting?: string },
): Promise<Organisation> {
  const allowedOrigins = input.allowedOrigins
    .map((o) => normaliseOrigin(o))
    .filter((o): o is string => !!o);
  return store.orgs.create({ ...input, allowedOrigins });
}
