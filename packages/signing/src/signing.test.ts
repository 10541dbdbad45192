import { describe, expect, it } from 'vitest';
import {
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  computeSignature,
  signRequest,
  verifyRequest,
} from './index';

const secret = 'test-secret-server-to-vault';
const body = JSON.stringify({ amount: 1200, currency: 'EUR' });
const now = 1_750_000_000;

function signed(overrides: { timestamp?: number; secret?: string } = {}) {
  return signRequest({
    secret: overrides.secret ?? secret,
    method: 'POST',
    path: '/v1/payment-requests',
    body,
    timestamp: overrides.timestamp ?? now,
  });
}

describe('request signing', () => {
  it('accepts a correctly signed request', () => {
    const headers = signed();
    expect(headers[SIGNATURE_HEADER]).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(
      verifyRequest({ secret, method: 'POST', path: '/v1/payment-requests', body, headers, now }),
    ).toEqual({ ok: true, timestamp: now });
  });

  it('reports a missing signature or timestamp as missing', () => {
    const headers = signed();
    expect(
      verifyRequest({
        secret,
        method: 'POST',
        path: '/v1/payment-requests',
        body,
        headers: {},
        now,
      }),
    ).toEqual({ ok: false, reason: 'missing' });
    expect(
      verifyRequest({
        secret,
        method: 'POST',
        path: '/v1/payment-requests',
        body,
        headers: { [TIMESTAMP_HEADER]: headers[TIMESTAMP_HEADER] },
        now,
      }),
    ).toEqual({ ok: false, reason: 'missing' });
  });

  it('reports a malformed header as malformed', () => {
    const headers = { ...signed(), [SIGNATURE_HEADER]: 'sha256=abc' };
    expect(
      verifyRequest({ secret, method: 'POST', path: '/v1/payment-requests', body, headers, now })
        .ok,
    ).toBe(false);
    expect(
      verifyRequest({ secret, method: 'POST', path: '/v1/payment-requests', body, headers, now }),
    ).toEqual({ ok: false, reason: 'malformed' });
    const badTs = { ...signed(), [TIMESTAMP_HEADER]: 'yesterday' };
    expect(
      verifyRequest({
        secret,
        method: 'POST',
        path: '/v1/payment-requests',
        body,
        headers: badTs,
        now,
      }),
    ).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects a signature made with the wrong secret', () => {
    const headers = signed({ secret: 'the-other-direction-secret' });
    expect(
      verifyRequest({ secret, method: 'POST', path: '/v1/payment-requests', body, headers, now }),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a modified body', () => {
    const headers = signed();
    const tampered = body.replace('1200', '12');
    expect(
      verifyRequest({
        secret,
        method: 'POST',
        path: '/v1/payment-requests',
        body: tampered,
        headers,
        now,
      }),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a modified path or method', () => {
    const headers = signed();
    expect(
      verifyRequest({
        secret,
        method: 'POST',
        path: '/v1/payment-requests/x/refunds',
        body,
        headers,
        now,
      }),
    ).toEqual({ ok: false, reason: 'mismatch' });
    expect(
      verifyRequest({ secret, method: 'PUT', path: '/v1/payment-requests', body, headers, now }),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a replay outside the 300-second window in either direction', () => {
    const headers = signed();
    expect(
      verifyRequest({
        secret,
        method: 'POST',
        path: '/v1/payment-requests',
        body,
        headers,
        now: now + 300,
      }).ok,
    ).toBe(true);
    expect(
      verifyRequest({
        secret,
        method: 'POST',
        path: '/v1/payment-requests',
        body,
        headers,
        now: now + 301,
      }),
    ).toEqual({ ok: false, reason: 'expired' });
    expect(
      verifyRequest({
        secret,
        method: 'POST',
        path: '/v1/payment-requests',
        body,
        headers,
        now: now - 301,
      }),
    ).toEqual({ ok: false, reason: 'expired' });
  });

  it('rejects a timestamp changed after signing', () => {
    const headers = { ...signed(), [TIMESTAMP_HEADER]: String(now + 1) };
    expect(
      verifyRequest({ secret, method: 'POST', path: '/v1/payment-requests', body, headers, now }),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('accepts any of several v1 signatures, for secret rotation', () => {
    const good = computeSignature(secret, now, 'POST', '/p', '');
    const headers = {
      [TIMESTAMP_HEADER]: String(now),
      [SIGNATURE_HEADER]: `v1=${'0'.repeat(64)}, v1=${good}`,
    };
    expect(verifyRequest({ secret, method: 'POST', path: '/p', body: '', headers, now }).ok).toBe(
      true,
    );
  });

  it('signs a Buffer body the same as the equal string', () => {
    expect(computeSignature(secret, now, 'post', '/p', Buffer.from(body))).toBe(
      computeSignature(secret, now, 'POST', '/p', body),
    );
  });
});
