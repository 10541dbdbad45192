import { describe, expect, it } from 'vitest';
import type { FileSummary } from '@parley/protocol';
import { formatSize, mergeFiles, typeLabel } from './files';

const file = (over: Partial<FileSummary> = {}): FileSummary => ({
  id: 'f1',
  conversationId: 'c1',
  batchId: 'b1',
  clientId: 'client-1',
  uploader: { kind: 'visitor', id: 'v1' },
  name: 'a.png',
  size: 10,
  type: 'image/png',
  kind: 'image',
  status: 'checking',
  blockReason: null,
  notice: null,
  signature: null,
  width: null,
  height: null,
  createdAt: 1,
  updatedAt: 1,
  ...over,
});

describe('file cards', () => {
  it('merges by id, keeps the newer state, oldest first, and returns the same list when nothing changed', () => {
    const checking = file();
    const ready = file({ status: 'available', updatedAt: 2 });
    expect(mergeFiles([ready], [checking])).toEqual([ready]);
    const list = [checking];
    expect(mergeFiles(list, [checking])).toBe(list);
    expect(mergeFiles([ready], [file({ id: 'f0', createdAt: 0 })]).map((f) => f.id)).toEqual([
      'f0',
      'f1',
    ]);
  });
  it('formats sizes and types', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(typeLabel('application/pdf')).toBe('PDF');
    expect(typeLabel('text/plain')).toBe('Text');
  });
});
