import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getOperationAST, parse } from 'graphql';
import { SCOPES_BY_KIND, type Caller } from '@omni/auth';
import { loadResponseCacheSettings } from '../src/env';
import { SUPERGRAPH_FILE } from '../src/subgraphs';
import { ALL_TAG, cacheabilityOf, catalogTagsOf, LISTING_TAG, mutatesGraph, productTag, STOCK_TAG, supergraphOwnership, tagsOfCatalogEvent, variantTag, visibilityKeyOf, type ResultShape } from '../src/response-cache';

const ownership = supergraphOwnership(readFileSync(SUPERGRAPH_FILE, 'utf8'));

function verdict(query: string) {
  const document = parse(query);
  return cacheabilityOf(document, getOperationAST(document)!, ownership, 'catalog');
}

function shapeOf(query: string): ResultShape {
  const result = verdict(query);
  if (!result.cacheable) throw new Error(`expected ${query} to be cacheable: ${result.reason}`);
  return result.shape;
}

describe('which operations are cached', () => {
  it('caches queries of the catalog alone: listing, product by slug, search, categories, locations', () => {
    expect(verdict(`{ products(first: 24, sort: NEWEST) { edges { node { id title priceRange { min { amount currencyCode } } variants { sku price { amount } } } } pageInfo { hasNextPage endCursor } } }`).cacheable).toBe(true);
    expect(verdict(`query($slug: String!) { product(slug: $slug) { id title category { name } variants { id availability(locationId: "loc_1") { available } } } }`).cacheable).toBe(true);
    expect(verdict(`{ products(filter: { search: "parka" }) { edges { cursor node { __typename slug } } } }`).cacheable).toBe(true);
    expect(verdict(`{ categories { id slug name } locations { id name openingHours { weekday opens } } }`).cacheable).toBe(true);
    expect(verdict(`query Feed { catalogChanges(first: 10) { edges { node { productId kind product { id title } } } pageInfo { endCursor } } }`).cacheable).toBe(true);
  });

  it('follows fragments and aliases', () => {
    expect(verdict(`query { a: product(slug: "x") { ...card } } fragment card on Product { id t: title variants { ... on Variant { sku } } }`).cacheable).toBe(true);
  });

  it('never caches mutations', () => {
    expect(verdict(`mutation { publishProduct(input: { id: "prod_1", channels: [WEB] }) { product { id } userErrors { code } } }`)).toEqual({ cacheable: false, reason: 'a mutation' });
  });

  it('never caches personal data: customers, carts, orders, conversations, even beside catalog fields', () => {
    for (const query of [
      `{ me { displayName } }`,
      `{ products(first: 1) { edges { node { id } } } me { id } }`,
      `query($id: ID!) { cart(id: $id) { id lines(first: 5) { edges { node { quantity } } } } }`,
      `query($id: ID!) { order(id: $id) { id } }`,
    ]) {
      expect(verdict(query).cacheable, query).toBe(false);
    }
  });

  it('never caches a field another subgraph resolves, however it is reached', () => {
    // Promotion badges follow the promotions calendar, which the catalog's events do not announce.
    const badges = verdict(`{ product(slug: "x") { id ...badges } } fragment badges on Product { promotionBadges { label } }`);
    expect(badges).toEqual({ cacheable: false, reason: 'Product.promotionBadges is not resolved by catalog' });
    expect(verdict(`{ product(slug: "x") { variants { promotionBadges { label } } } }`).cacheable).toBe(false);
    // `node` belongs to the customer subgraph and may answer anything.
    expect(verdict(`{ node(id: "prod_1") { id } }`).cacheable).toBe(false);
  });

  it('knows the mutations that change the catalog directly', () => {
    const mutation = (text: string) => getOperationAST(parse(text))!;
    expect(mutatesGraph(mutation(`mutation { setVariantPrice(input: { sku: "A", price: { amount: "1", currencyCode: "EUR" } }) { userErrors { code } } }`), ownership, 'catalog')).toBe(true);
    expect(mutatesGraph(mutation(`mutation { createCart(input: {}) { userErrors { code } } }`), ownership, 'catalog')).toBe(false);
    expect(mutatesGraph(mutation(`{ products { edges { cursor } } }`), ownership, 'catalog')).toBe(false);
  });

  it('leaves introspection and @defer to the normal path', () => {
    expect(verdict(`{ __schema { queryType { name } } }`)).toEqual({ cacheable: false, reason: 'introspection' });
    expect(verdict(`{ product(slug: "x") { id ... @defer { title } } }`)).toEqual({ cacheable: false, reason: 'the @defer directive' });
  });
});

describe('tags of a cached response', () => {
  it('tags a listing with the listing and each product, whose tag also covers the stock of its variants', () => {
    const shape = shapeOf(`{ products(first: 2) { edges { node { id title variants { sku availability(locationId: "loc_1") { available } } } } } }`);
    const data = { products: { edges: [{ node: { id: 'prod_a', title: 'A', variants: [{ sku: 'A-1', availability: { available: 3 } }] } }, { node: { id: 'prod_b', title: 'B', variants: [] } }] } };
    expect([...catalogTagsOf(shape, data)].sort()).toEqual([ALL_TAG, LISTING_TAG, productTag('prod_a'), productTag('prod_b')].sort());
  });

  it('tags stock read where no product or variant id is shown with the stock tag', () => {
    const shape = shapeOf(`{ products(first: 1) { edges { node { title availableForSale variants { availability(locationId: "loc_1") { available } } } } } }`);
    const data = { products: { edges: [{ node: { title: 'A', availableForSale: true, variants: [{ availability: { available: 3 } }] } }] } };
    expect([...catalogTagsOf(shape, data)].sort()).toEqual([ALL_TAG, LISTING_TAG, STOCK_TAG].sort());
  });

  it('ties stock to a variant whose id is read, under any alias', () => {
    const shape = shapeOf(`query($slug: String!) { product(slug: $slug) { key: id variants { vid: id price { amount } stock: availableForSale stockLevels { available } } } }`);
    const data = { product: { key: 'prod_a', variants: [{ vid: 'var_1', price: { amount: '9.90' }, stock: true, stockLevels: [{ available: 2 }] }] } };
    expect([...catalogTagsOf(shape, data)].sort()).toEqual([ALL_TAG, productTag('prod_a'), variantTag('var_1')].sort());
  });

  it('falls back to the listing tag for a product shown without its id', () => {
    const shape = shapeOf(`{ product(slug: "alpine-parka") { title variants { price { amount } } } }`);
    expect([...catalogTagsOf(shape, { product: { title: 'Alpine Parka', variants: [{ price: { amount: '199.00' } }] } })]).toEqual([ALL_TAG, LISTING_TAG]);
  });

  it('tags a lookup that found nothing with the listing: a later publication makes it findable', () => {
    const shape = shapeOf(`{ product(slug: "not-yet") { id title } }`);
    expect([...catalogTagsOf(shape, { product: null })]).toEqual([ALL_TAG, LISTING_TAG]);
  });

  it('tags a filter by store stock with the stock tag: any stock move may change its members', () => {
    const inStock = shapeOf(`{ products(filter: { inStockAt: "loc_1" }) { edges { node { id } } } }`);
    expect(catalogTagsOf(inStock, { products: { edges: [] } })).toEqual(new Set([ALL_TAG, LISTING_TAG, STOCK_TAG]));
    const byVariable = shapeOf(`query($filter: ProductFilter) { products(filter: $filter) { edges { node { id } } } }`);
    expect(catalogTagsOf(byVariable, { products: { edges: [] } }).has(STOCK_TAG)).toBe(true);
    const bySearch = shapeOf(`{ products(filter: { search: "parka" }) { edges { node { id } } } }`);
    expect(catalogTagsOf(bySearch, { products: { edges: [] } })).toEqual(new Set([ALL_TAG, LISTING_TAG]));
  });

  it('needs no tag for what no event changes (locations, categories)', () => {
    const shape = shapeOf(`{ locations { id name } categories { slug } }`);
    expect(catalogTagsOf(shape, { locations: [{ id: 'loc_1', name: 'Berlin' }], categories: [{ slug: 'jackets' }] })).toEqual(new Set([ALL_TAG]));
  });
});

describe('what an event drops', () => {
  const event = (type: string, aggregateId: string, payload: Record<string, unknown>) => ({ type, aggregateId, payload });

  it('drops the product, its variants and every listing on a price, publication or details change', () => {
    expect(tagsOfCatalogEvent(event('product.changed', 'prod_a', { productId: 'prod_a', variantIds: ['var_1', 'var_2'], changes: ['price'] }))).toEqual([
      productTag('prod_a'),
      variantTag('var_1'),
      variantTag('var_2'),
      LISTING_TAG,
    ]);
    expect(tagsOfCatalogEvent(event('product.changed', 'prod_a', { productId: 'prod_a', variantIds: [], changes: ['publication', 'stock'] }))).toEqual([productTag('prod_a'), LISTING_TAG, STOCK_TAG]);
  });

  it('keeps listings on a change of stock alone, which decides none of their members or order', () => {
    expect(tagsOfCatalogEvent(event('product.changed', 'prod_a', { productId: 'prod_a', variantIds: ['var_1'], changes: ['stock'] }))).toEqual([productTag('prod_a'), variantTag('var_1'), STOCK_TAG]);
    expect(tagsOfCatalogEvent(event('stock.changed', 'var_1', { variantId: 'var_1', productId: 'prod_a', locationIds: ['loc_1'] }))).toEqual([variantTag('var_1'), STOCK_TAG, productTag('prod_a')]);
  });

  it('takes an event that does not say what changed to change everything', () => {
    expect(tagsOfCatalogEvent(event('product.changed', 'prod_a', {}))).toEqual([productTag('prod_a'), LISTING_TAG, STOCK_TAG]);
  });

  it('ignores events of other kinds and of other subgraphs', () => {
    expect(tagsOfCatalogEvent(event('cart.changed', 'cart_1', {}))).toBeNull();
    expect(tagsOfCatalogEvent({ ...event('product.changed', 'prod_a', {}), producer: 'promotions' })).toBeNull();
  });
});

describe('visibility', () => {
  const caller = (fields: Partial<Caller> & Pick<Caller, 'kind'>): Caller => ({ channel: 'WEB', scopes: [...SCOPES_BY_KIND[fields.kind]], ...fields });

  it('is shared by callers alike, whoever they are, and differs by kind, channel and scopes', () => {
    expect(visibilityKeyOf(caller({ kind: 'guest', guestId: 'g1' }))).toBe(visibilityKeyOf(caller({ kind: 'guest', guestId: 'g2' })));
    const keys = new Set([
      visibilityKeyOf(caller({ kind: 'anonymous' })),
      visibilityKeyOf(caller({ kind: 'anonymous', channel: 'MOBILE_APP' })),
      visibilityKeyOf(caller({ kind: 'partner', channel: 'MARKETPLACE' })),
      visibilityKeyOf(caller({ kind: 'admin' })),
      visibilityKeyOf(caller({ kind: 'staff', staffRole: 'CASHIER', scopes: ['catalog:read', 'storefront:read', 'inventory:read'] })),
    ]);
    expect(keys.size).toBe(5);
  });
});

describe('settings', () => {
  it('is on by default, in the process, for 30 s and up to 64 MB', () => {
    expect(loadResponseCacheSettings({})).toEqual({ ttlSeconds: 30, maxBytes: 64 * 1024 * 1024 });
  });

  it('is shared through REDIS_URL, tuned by its variables, and switched off by GATEWAY_RESPONSE_CACHE=off', () => {
    expect(loadResponseCacheSettings({ REDIS_URL: 'redis://127.0.0.1:6379', GATEWAY_RESPONSE_CACHE_TTL_SECONDS: '5', GATEWAY_RESPONSE_CACHE_MAX_MB: '8' })).toEqual({
      ttlSeconds: 5,
      maxBytes: 8 * 1024 * 1024,
      redisUrl: 'redis://127.0.0.1:6379',
    });
    expect(loadResponseCacheSettings({ GATEWAY_RESPONSE_CACHE: 'off' })).toBe(false);
    expect(() => loadResponseCacheSettings({ GATEWAY_RESPONSE_CACHE: 'maybe' })).toThrow(/GATEWAY_RESPONSE_CACHE/);
    expect(() => loadResponseCacheSettings({ GATEWAY_RESPONSE_CACHE_TTL_SECONDS: '0' })).toThrow(/GATEWAY_RESPONSE_CACHE_TTL_SECONDS/);
  });
});
