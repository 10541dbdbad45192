import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, ParleyError, errorBody } from './errors';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

function documentedRows(): Map<string, { status: number; close: number | undefined }> {
  const rows = new Map<string, { status: number; close: number | undefined }>();
  for (const line of docs.split('\n')) {
    const m = /^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|\s*(\d{4}|—|-)?\s*\|/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const close = m[3] && /^\d+$/.test(m[3]) ? Number(m[3]) : undefined;
    rows.set(m[1], { status: Number(m[2]), close });
  }
  return rows;
}

describe('error registry', () => {
  it('documents every code with its HTTP status and close code in docs/errors.md', () => {
    const rows = documentedRows();
    for (const [code, entry] of Object.entries(ERRORS)) {
      const close = 'close' in entry ? entry.close : undefined;
      expect(rows.get(code), code).toEqual({ status: entry.status, close });
    }
    expect([...rows.keys()].sort()).toEqual(Object.keys(ERRORS).sort());
  });

  it('uses snake_case codes and WebSocket close codes in the allowed ranges', () => {
    for (const [code, entry] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      if ('close' in entry)
        expect(
          entry.close === 1001 ||
            entry.close === 1009 ||
            entry.close === 1011 ||
            (entry.close >= 4000 && entry.close < 5000),
        ).toBe(true);
    }
  });

  it('carries the status and close code of its code and a safe default message', () => {
    const e = new ParleyError('frame_too_large');
    expect(e.status).toBe(413);
    expect(e.closeCode).toBe(1009);
    expect(errorBody('not_found')).toEqual({ error: { code: 'not_found', message: 'Not found.' } });
  });
});
