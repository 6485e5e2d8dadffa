/**
 * Where a till keeps its queue between restarts. Shaped like IndexedDB's object store (async get /
 * put / delete of structured values by key), so a browser till wraps an IDBObjectStore in a few
 * lines, and Node tills use `createJsonFileStore` (`@omni/pos-client/json-file-store`).
 * Values are plain JSON data.
 */
export interface PosStore {
  get<T>(key: string): Promise<T | undefined>;
  put<T>(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Keeps everything in memory: for tests, and for tills that accept losing the queue on a crash. */
export function createMemoryStore(): PosStore {
  const values = new Map<string, string>();
  return {
    // Stored as JSON text so a caller can never mutate what is stored through a returned object.
    get: async <T>(key: string) => {
      const text = values.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as T);
    },
    put: async (key, value) => void values.set(key, JSON.stringify(value)),
    delete: async (key) => void values.delete(key),
  };
}
