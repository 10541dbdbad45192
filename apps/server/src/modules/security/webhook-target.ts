import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { ParleyError } from '@parley/protocol';
import { withDeadline } from '../../lib/deadline';
import { normaliseIp, parseCidr } from './ip';

/**
 * Where a security webhook may go (issue 10 finding 6, blind SSRF): never to
 * loopback, private, link-local (cloud metadata), unique-local, multicast,
 * unspecified or reserved addresses, nor to the vault's own address, unless
 * the operator allows a range (PARLEY_WEBHOOK_ALLOW_CIDRS). The name is
 * resolved once and the connection goes to that address (pinned), so a DNS
 * answer that changes between the check and the connect cannot redirect it.
 */
const INTERNAL_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];
const INTERNAL_V6 = [
  '::/128',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
  '64:ff9b::/96',
  '2001:db8::/32',
];

function blockList(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const r of ranges) {
    const parsed = parseCidr(r);
    if (!parsed) continue;
    const [net, prefix] = parsed.split('/') as [string, string];
    list.addSubnet(net, Number(prefix), isIP(net) === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

export interface WebhookTargetPolicy {
  /** Resolves and checks the URL's host; returns the pinned address or throws webhook_target_not_allowed. */
  resolve(url: string): Promise<{ url: URL; address: string; family: 4 | 6 }>;
}

export function createWebhookTargetPolicy(opts: {
  allowCidrs?: readonly string[];
  /** Addresses of the vault (never a webhook target). */
  denyAddresses?: readonly string[];
  lookupAll?: (host: string) => Promise<{ address: string; family: number }[]>;
  /** How long a name may take to resolve (default 5 s); longer counts as not resolving. */
  lookupDeadlineMs?: number;
}): WebhookTargetPolicy {
  const lookupDeadlineMs = opts.lookupDeadlineMs ?? 5000;
  const internal = blockList([...INTERNAL_V4, ...INTERNAL_V6]);
  const allowed = blockList(opts.allowCidrs ?? []);
  const denied = new Set((opts.denyAddresses ?? []).map(normaliseIp));
  const lookupAll =
    opts.lookupAll ?? ((host: string) => lookup(host, { all: true, verbatim: true }));

  function permitted(address: string): boolean {
    const addr = normaliseIp(address);
    const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (denied.has(addr)) return false;
    if (allowed.check(addr, family)) return true;
    // An IPv4-mapped IPv6 address was normalised above; anything else internal is refused.
    return !internal.check(addr, family);
  }

  return {
    async resolve(raw) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new ParleyError('bad_request', 'The webhook URL is not valid.');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new ParleyError('bad_request', 'The webhook URL must be http(s).');
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const answers = isIP(host)
        ? [{ address: host, family: isIP(host) }]
        : // A resolver that never answers must not hold the delivery queue (law 8): as a miss.
          await withDeadline(lookupAll(host), lookupDeadlineMs, 'webhook DNS lookup').catch(
            () => [],
          );
      if (answers.length === 0)
        throw new ParleyError('webhook_target_not_allowed', 'The webhook host does not resolve.');
      // Every answer must be allowed: otherwise a name with one public and one internal address slips through.
      if (!answers.every((a) => permitted(a.address)))
        throw new ParleyError('webhook_target_not_allowed');
      const first = answers[0] as { address: string; family: number };
      return { url, address: normaliseIp(first.address), family: first.family === 6 ? 6 : 4 };
    },
  };
}

/**
 * POSTs to the pinned address (the Host header and TLS name stay the URL's).
 * Resolves with the HTTP status; redirects are not followed.
 */
export function postPinned(
  target: { url: URL; address: string; family: 4 | 6 },
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      target.url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        // Pinned: the connection goes to the address that was checked, never to a fresh answer.
        lookup: ((_host: string, o: { all?: boolean }, cb: (...args: unknown[]) => void) => {
          if (o.all) cb(null, [{ address: target.address, family: target.family }]);
          else cb(null, target.address, target.family);
        }) as unknown as NonNullable<Parameters<typeof httpRequest>[1]>['lookup'],
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('webhook timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
