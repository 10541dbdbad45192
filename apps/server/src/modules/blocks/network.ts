import { isIP } from 'node:net';
import { normaliseIp } from '../security';

/** The IPv6 address as eight 16-bit groups; undefined when not an IPv6 address. */
function groups6(ip: string): number[] | undefined {
  if (isIP(ip) !== 6) return undefined;
  let text = ip.toLowerCase();
  // An embedded IPv4 tail (::ffff:1.2.3.4 style) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(fill).fill('0'), ...right].map((g) => parseInt(g, 16));
}

/**
 * The network of `prefix` bits around an address, in canonical CIDR text
 * ("203.0.113.0/24", "2001:db8:0:0:0:0:0:0/48"); undefined for a bad address or prefix.
 */
export function networkAround(address: string, prefix: number): string | undefined {
  const ip = normaliseIp(address);
  const family = isIP(ip);
  if (family === 4) {
    if (prefix < 0 || prefix > 32) return undefined;
    const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const mask = prefix === 0 ? 0 : 2 ** 32 - 2 ** (32 - prefix);
    const net = Number((BigInt(n) & BigInt(mask)).toString());
    return `${[24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256).join('.')}/${prefix}`;
  }
  const g = family === 6 ? groups6(ip) : undefined;
  if (!g || g.length !== 8 || prefix < 0 || prefix > 128) return undefined;
  const masked = g.map((v, i) => {
    const bits = Math.max(0, Math.min(16, prefix - i * 16));
    return bits === 0 ? 0 : v & (0xffff << (16 - bits)) & 0xffff;
  });
  return `${masked.map((v) => v.toString(16)).join(':')}/${prefix}`;
}
