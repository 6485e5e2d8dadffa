import { GUARD_HORIZON_MS, type CachedResponse, type ResponseStore } from './response-store';

export interface MemoryResponseStoreOptions {
  /** Upper bound of the JSON size of all responses held; the least recently used go first. */
  maxBytes: number;
  ttlMs: number;
  now?: () => number;
}

interface Entry {
  response: CachedResponse;
  bytes: number;
  tags: readonly string[];
  expiresAtMs: number;
}

/** Responses in this process, least recently used dropped first once `maxBytes` is reached. */
export function createMemoryResponseStore(options: MemoryResponseStoreOptions): ResponseStore {
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  const entries = new Map<string, Entry>();
  const keysByTag = new Map<string, Set<string>>();
  // Oldest invalidation first, for the same reason.
  const invalidated = new Map<string, { sequence: number; atMs: number }>();
  let sequence = 0;
  let bytes = 0;

  function remove(key: string): void {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= entry.bytes;
    for (const tag of entry.tags) {
      const keys = keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) keysByTag.delete(tag);
    }
  }

  function forgetOldInvalidations(): void {
    const horizon = now() - GUARD_HORIZON_MS;
    for (const [tag, record] of invalidated) {
      if (record.atMs >= horizon) break;
      invalidated.delete(tag);
    }
  }

  return {
    async lookup(key) {
      const entry = entries.get(key);
      if (entry && entry.expiresAtMs > now()) {
        entries.delete(key);
        entries.set(key, entry);
        return { hit: entry.response, mark: sequence };
      }
      if (entry) remove(key);
      return { hit: null, mark: sequence };
    },
    async store(key, response, tags, mark) {
      if (tags.some((tag) => (invalidated.get(tag)?.sequence ?? 0) > mark)) return false;
      const size = JSON.stringify(response.data).length;
      if (size > options.maxBytes) return false;
      remove(key);
      entries.set(key, { response, bytes: size, tags, expiresAtMs: now() + options.ttlMs });
      bytes += size;
      for (const tag of tags) {
        let keys = keysByTag.get(tag);
        if (!keys) keysByTag.set(tag, (keys = new Set()));
        keys.add(key);
      }
      for (const oldest of entries.keys()) {
        if (bytes <= options.maxBytes) break;
        remove(oldest);
      }
      return true;
    },
    async invalidate(tags) {
      sequence += 1;
      const atMs = now();
      for (const tag of tags) {
        invalidated.delete(tag);
        invalidated.set(tag, { sequence, atMs });
        for (const key of [...(keysByTag.get(tag) ?? [])]) remove(key);
      }
      forgetOldInvalidations();
    },
    async close() {
      entries.clear();
      keysByTag.clear();
      invalidated.clear();
      bytes = 0;
    },
  };
}
