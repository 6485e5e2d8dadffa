export {
  createResponseCache,
  visibilityKeyOf,
  DEFAULT_RESPONSE_CACHE_KEY_PREFIX,
  DEFAULT_RESPONSE_CACHE_MAX_BYTES,
  DEFAULT_RESPONSE_CACHE_TTL_SECONDS,
  type CatalogEventFeed,
  type ResponseCacheSettings,
} from './response-cache';
export { cacheabilityOf, mutatesGraph, type Cacheability, type ResultShape } from './cacheability';
export { catalogTagsOf, tagsOfCatalogEvent, ALL_TAG, LISTING_TAG, STOCK_TAG, productTag, variantTag, type CatalogEventLike } from './catalog-tags';
export { supergraphOwnership, type SupergraphOwnership } from './supergraph-ownership';
export { createMemoryResponseStore } from './memory-response-store';
export { createRedisResponseStore } from './redis-response-store';
export type { CachedResponse, ResponseStore } from './response-store';
