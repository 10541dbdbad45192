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
