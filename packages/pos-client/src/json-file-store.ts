import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PosStore } from './storage';

/**
 * A `PosStore` in one JSON file, for tills running on Node. Every write replaces the file through
 * a temporary one and a rename, so a crash mid-write leaves the previous queue, never half of one.
 * Writes are serialised: the file always holds the last one.
 */
export function createJsonFileStore(path: string): PosStore {
  let values: Record<string, unknown> | undefined;
  let writing: Promise<void> = Promise.resolve();

  async function all(): Promise<Record<string, unknown>> {
    if (values) return values;
    try {
      values = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      values = {};
    }
    return values;
  }

  function persist(): Promise<void> {
    const text = JSON.stringify(values);
    writing = writing.then(async () => {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(`${path}.tmp`, text, 'utf8');
      await rename(`${path}.tmp`, path);
    });
    return writing;
  }

  return {
    get: async <T>(key: string) => structuredClone((await all())[key]) as T | undefined,
    put: async (key, value) => {
      (await all())[key] = structuredClone(value);
      await persist();
    },
    delete: async (key) => {
      delete (await all())[key];
      await persist();
    },
  };
}
