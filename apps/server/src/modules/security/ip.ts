import { BlockList, isIP } from 'node:net';

/** An IPv4-mapped IPv6 address (::ffff:1.2.3.4) is the IPv4 address it carries. */
export function normaliseIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m?.[1] ?? ip;
}

/** A CIDR range in canonical text ("10.0.0.0/8", "2001:db8::/32"); a bare address becomes /32 or /128. Undefined when not valid. */
export function parseCidr(value: string): string | undefined {
  const [addrRaw, prefixRaw, extra] = value.trim().split('/');
  if (addrRaw === undefined || extra !== undefined) return undefined;
  const addr = normaliseIp(addrRaw);
  const family = isIP(addr);
  if (family === 0) return undefined;
  const max = family === 4 ? 32 : 128;
  if (prefixRaw !== undefined && !/^\d{1,3}$/.test(prefixRaw)) return undefined;
  const prefix = prefixRaw === undefined ? max : Number(prefixRaw);
  if (prefix > max) return undefined;
  return `${addr.toLowerCase()}/${prefix}`;
}

/** True when the address is inside one of the ranges; an empty list allows every address. */
export function ipAllowed(ranges: readonly string[], ip: string): boolean {
  if (ranges.length === 0) return true;
  const addr = normaliseIp(ip);
  const family = isIP(addr);
  if (family === 0) return false;
  const list = new BlockList();
  for (const range of ranges) {
    const parsed = parseCidr(range);
    if (!parsed) continue;
    const [net, prefix] = parsed.split('/') as [string, string];
    list.addSubnet(net, Number(prefix), isIP(net) === 4 ? 'ipv4' : 'ipv6');
  }
  return list.check(addr, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The client's address by the same rule Fastify applies to HTTP requests
 * (`trustProxy` hops): walk X-Forwarded-For from the socket's peer outwards and
 * stop at the first hop that is not a trusted proxy. Used for WebSocket upgrades.
 */
export function clientIp(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustProxy: number,
): string {
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
  const forwarded = header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .reverse();
  const chain = [remoteAddress ?? '', ...forwarded];
  return normaliseIp(chain[Math.min(trustProxy, chain.length - 1)] ?? '');
}
