import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FileVariant } from '@parley/protocol';

/**
 * Short-lived signed download URLs. The signature binds organisation, file,
 * variant and expiry; the key is derived from the node's keyring, the same on
 * every node, so any node serves a link another made.
 */
export function createLinkSigner(key: string, ttlSeconds: number) {
  const mac = (orgId: string, id: string, variant: string, exp: number) =>
    createHmac('sha256', key).update(`files:${orgId}:${id}:${variant}:${exp}`).digest('base64url');
  return {
    sign(
      orgId: string,
      id: string,
      variant: FileVariant,
      now: number,
    ): { url: string; expiresAt: number } {
      const exp = Math.floor(now / 1000) + ttlSeconds;
      return {
        url: `/files/${orgId}/${id}/${variant}?e=${exp}&s=${mac(orgId, id, variant, exp)}`,
        expiresAt: exp * 1000,
      };
    },
    verify(
      orgId: string,
      id: string,
      variant: string,
      exp: number,
      sig: string,
      now: number,
    ): boolean {
      if (!Number.isInteger(exp) || exp * 1000 < now || exp * 1000 > now + (ttlSeconds + 60) * 1000)
        return false;
      const want = Buffer.from(mac(orgId, id, variant, exp));
      const got = Buffer.from(sig);
      return want.length === got.length && timingSafeEqual(want, got);
    },
  };
}
export type LinkSigner = ReturnType<typeof createLinkSigner>;
