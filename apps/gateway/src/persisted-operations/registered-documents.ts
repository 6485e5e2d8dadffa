import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode } from 'graphql';
import type { PersistedOperations } from './manifest';

/** Apollo's APQ cache keys are `apq:<sha256>`; its document store's `<schema hash>:<sha256>`. */
const hashOfKey = (key: string): string => key.slice(key.lastIndexOf(':') + 1);

/**
 * Registered operations served without a round trip or a parse:
 * - `apqCache` answers Apollo's automatic persisted queries from the manifest first, so a client
 *   may send a registered operation by its hash alone, the first time too; other operations are
 *   registered the usual APQ way (hash, then hash and text) in memory;
 * - `documentStore` keeps the parsed and validated document of every registered operation for
 *   good, out of reach of the LRU eviction other documents are subject to: each is parsed and
 *   validated once, by Apollo Server on its first use, and never again. (Validating them here at
 *   start would need the schema object Apollo holds, which may come from another copy of graphql-js.)
 */
export function registeredDocuments(operations: PersistedOperations) {
  const registered = new Map<string, DocumentNode>();
  const otherDocuments = new InMemoryLRUCache<DocumentNode>();
  const otherQueries = new InMemoryLRUCache<string>();

  const documentStore: KeyValueCache<DocumentNode> = {
    get: async (key) => registered.get(key) ?? otherDocuments.get(key),
    async set(key, value, options) {
      if (operations.has(hashOfKey(key))) registered.set(key, value);
      else await otherDocuments.set(key, value, options);
    },
    delete: async (key) => registered.delete(key) || otherDocuments.delete(key),
  };
  const apqCache: KeyValueCache<string> = {
    get: async (key) => operations.get(hashOfKey(key))?.body ?? otherQueries.get(key),
    set: (key, value, options) => otherQueries.set(key, value, options),
    delete: (key) => otherQueries.delete(key),
  };
  return { documentStore, apqCache };
}
