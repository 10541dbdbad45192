import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { assertKey, type FileStorage } from './storage';

/** Files in the data directory: directories 0700, files 0600, written whole (temp file, then rename). */
export function createDiskStorage(root: string): FileStorage {
  const pathOf = (key: string) => {
    assertKey(key);
    return join(root, key);
  };
  return {
    kind: 'disk',
    async put(key, data) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      // mkdir's mode is masked by the umask and skipped for existing directories.
      await chmod(root, 0o700);
      await chmod(dirname(dirname(path)), 0o700);
      await chmod(dirname(path), 0o700);
      const tmp = `${path}.${randomUUID()}.tmp`;
      try {
        await writeFile(tmp, data, { mode: 0o600, flag: 'wx' });
        await rename(tmp, path);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
