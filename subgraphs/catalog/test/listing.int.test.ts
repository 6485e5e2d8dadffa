import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOCATIONS, demoCatalog, type DemoProduct } from '@omni/demo-data';
import { expectData } from '@omni/testing';
import { planFulfillment } from '../src/services/fulfillment-rules';
import { callers, startCatalog, type CatalogHarness } from './harness';

let catalog: CatalogHarness;
const { products: allProducts, stock } = demoCatalog();
const products = allProducts.filter((product) => product.channels.includes('WEB'));
const berlin = DEMO_LOCATIONS[0]!;
const shopper = () => catalog.as(callers.anonymous());
const minPrice = (product: DemoProduct) => Math.min(...product.variants.map((variant) => variant.priceMinor));

beforeAll(async () => {
  catalog = await startCatalog();
});

afterAll(async () => {
  await catalog?.stop();
});

const PAGE = `query($first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort) {
  products(first: $first, after: $after, filter: $filter, sort: $sort) {
    edges { node { id } }
    pageInfo { hasNextPage endCursor }
  }
}`;

async function walk(first: number, variables: { filter?: Record<string, unknown>; sort?: string }): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 400; pages += 1) {
    const page: any = expectData(await shopper()(PAGE, { first, after, ...variables })).products;
    ids.push(...page.edges.map((edge: any) => edge.node.id));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
  throw new Error('pagination does not terminate');
}

const ids = (list: DemoProduct[]) => list.map((product) => product.id);

describe('sorting with keyset cursors', () => {
  it('pages by price both ways with ties broken by id, without duplicates or gaps', async () => {
    const ascending = [...products].sort((a, b) => minPrice(a) - minPrice(b) || a.id.localeCompare(b.id));
    expect(await walk(17, { sort: 'PRICE_ASC' })).toEqual(ids(ascending));
    const descending = [...products].sort((a, b) => minPrice(b) - minPrice(a) || b.id.localeCompare(a.id));
    expect(await walk(23, { sort: 'PRICE_DESC' })).toEqual(ids(descending));
  });

  it('lists newest first', async () => {
    expect(await walk(40, { sort: 'NEWEST' })).toEqual(ids([...products].reverse()));
  });

  it('orders a search by relevance, every match exactly once', async () => {
    const found = await walk(3, { sort: 'RELEVANCE', filter: { search: 'nordic parka' } });
    const expected = products.filter((product) => /Nordic/.test(product.title) && /Parka/.test(product.title));
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found)).toEqual(new Set(ids(expected)));
    expect(found).toHaveLength(expected.length);
    // Without a search relevance means creation order.
    expect((await walk(100, { sort: 'RELEVANCE' })).slice(0, 5)).toEqual(ids(products.slice(0, 5)));
  });
});

describe('searching in English and Russian', () => {
  it('matches English stems: "jackets" finds every jacket', async () => {
    const jackets = products.filter((product) => product.category === 'Jackets');
    expect(await walk(100, { filter: { search: 'jackets' } })).toEqual(ids(jackets));
  });

  it('matches Russian words in any grammatical form', async () => {
    const downJackets = products.filter((product) => product.title.includes('Down Jacket'));
    expect(downJackets.length).toBeGreaterThan(0);
    expect(await walk(100, { filter: { search: 'пуховики' } })).toEqual(ids(downJackets));
    // "куртку" (accusative) shares its stem with "куртки" and "куртка".
    const jackets = products.filter((product) => product.category === 'Jackets');
    expect(await walk(100, { filter: { search: 'куртку' } })).toEqual(ids(jackets));
    // Prefixes work in Cyrillic while typing.
    expect(await walk(100, { filter: { search: 'пухов' } })).toEqual(ids(downJackets));
  });
});

describe('filters', () => {
  it('narrows by the cheapest price within a range', async () => {
    const inRange = products.filter((product) => minPrice(product) >= 5000 && minPrice(product) <= 10000);
    expect(await walk(50, { filter: { priceRange: { currencyCode: 'EUR', min: '50.00', max: '100' } } })).toEqual(ids(inRange));
    expect(await walk(50, { filter: { priceRange: { currencyCode: 'USD', min: '1' } } })).toEqual([]);
    for (const bad of [{ currencyCode: 'EUR', min: '1.234' }, { currencyCode: 'EURO' }, { currencyCode: 'EUR', max: '-1' }]) {
      const response = await shopper()(PAGE, { first: 5, filter: { priceRange: bad } });
      expect(response.errors?.[0]?.extensions?.code, JSON.stringify(bad)).toBe('BAD_USER_INPUT');
    }
  });

  it('keeps only products with stock at a location', async () => {
    const stocked = new Set(stock.filter((level) => level.locationId === berlin.id && level.onHand > 0).map((level) => level.variantId));
    const expected = products.filter((product) => product.variants.some((variant) => stocked.has(variant.id)));
    expect(expected.length).toBeLessThan(products.length);
    expect(await walk(100, { filter: { inStockAt: berlin.id } })).toEqual(ids(expected));
    expect(await walk(100, { filter: { inStockAt: berlin.id, category: 'shoes' } })).toEqual(ids(expected.filter((p) => p.category === 'Shoes')));
  });
});

describe('availability for a shopper', () => {
  const QUERY = `query($id: ID!) { variant(id: $id) { fulfillment {
    pickupToday { location { id } available }
    pickupAfterTransfer { store { id } from { id } leadTimeDays }
    delivery { from { id } leadTimeDays }
  } } }`;

  it('lists pickup today, endless-aisle transfers and delivery, the same in every channel', async () => {
    const locations = DEMO_LOCATIONS.map((location) => ({
      id: location.id,
      kind: location.kind,
      pickupEnabled: location.pickupEnabled,
      transferLeadDays: location.kind === 'WAREHOUSE' ? 2 : null,
      deliveryLeadDays: location.kind === 'WAREHOUSE' ? 3 : null,
    }));
    let withTransfer = 0;
    for (const product of products.slice(0, 40)) {
      const variant = product.variants[0]!;
      const levels = stock.filter((level) => level.variantId === variant.id).map((level) => ({ ...level, reserved: 0 }));
      const plan = planFulfillment(levels, locations);
      const answers = await Promise.all(
        [callers.anonymous('WEB'), callers.anonymous('MOBILE_APP'), callers.staff('staff_x', berlin.id)].map(async (caller) =>
          expectData(await catalog.as(caller)(QUERY, { id: variant.id })).variant.fulfillment,
        ),
      );
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
      const [fulfillment] = answers;
      expect(fulfillment.pickupToday.map((level: any) => level.location.id)).toEqual(plan.pickupTodayIds);
      expect(fulfillment.pickupToday.every((level: any) => level.available > 0)).toBe(true);
      expect(fulfillment.pickupAfterTransfer).toEqual(plan.transfers.map((t) => ({ store: { id: t.storeId }, from: { id: t.fromId }, leadTimeDays: 2 })));
      expect(fulfillment.delivery).toEqual(plan.delivery ? { from: { id: plan.delivery.fromId }, leadTimeDays: 3 } : null);
      withTransfer += plan.transfers.length;
    }
    expect(withTransfer).toBeGreaterThan(0);
  });

  it('shows opening hours and lead times of locations', async () => {
    const data = expectData(await shopper()('{ locations { id kind openingHours { weekday opens closes } transferLeadDays deliveryLeadDays } }'));
    const store = data.locations.find((location: any) => location.id === berlin.id);
    expect(store.openingHours).toHaveLength(6);
    expect(store.openingHours[0]).toEqual({ weekday: 1, opens: '10:00', closes: '20:00' });
    expect(store).toMatchObject({ transferLeadDays: null, deliveryLeadDays: null });
    expect(data.locations.find((location: any) => location.kind === 'WAREHOUSE')).toMatchObject({ transferLeadDays: 2, deliveryLeadDays: 3 });
  });
});

describe('cost of a product listing page', () => {
  const LISTING = `query($first: Int!, $store: ID!) { products(first: $first) { edges { node {
    title slug imageUrls priceRange { min { amount } }
    variants { sku price { amount currencyCode } compareAtPrice { amount } availableForSale
      availability(locationId: $store) { available }
      fulfillment { pickupToday { location { id } } delivery { leadTimeDays } } }
  } } } }`;

  it('sends the same number of SQL statements for 1, 24 and 100 products', async () => {
    const counts = [];
    for (const first of [1, 24, 100]) {
      counts.push(await catalog.statementsDuring(async () => expectData(await shopper()(LISTING, { first, store: berlin.id }))));
    }
    expect(counts[0]).toBeGreaterThan(0);
    // Page, variants with their stock at the store, available totals, every level (fulfillment), all locations.
    expect(counts[0]).toBe(5);
    expect(new Set(counts).size).toBe(1);
  });

  const STOCK = 'availability(locationId: $store) { available onHand reserved location { id } }';
  const asAdmin = () => catalog.as(callers.admin());
  /** The same levels read one variant at a time as entities, which never goes through a product's variants. */
  async function levelsOneByOne(variantIds: string[], store: string) {
    const query = `query($r: [_Any!]!, $store: ID!) { _entities(representations: $r) { ... on Variant { id ${STOCK} } } }`;
    const data = expectData(await asAdmin()(query, { r: variantIds.map((id) => ({ __typename: 'Variant', id })), store }));
    return Object.fromEntries(data._entities.map((entity: any) => [entity.id, entity.availability]));
  }

  it('reads the variants together with their stock at the one store asked, the stock each variant shows alone', async () => {
    const listing = `query($store: ID!) { products(first: 30) { edges { node { variants { id ...Stock } } } } }
      fragment Stock on Variant { ${STOCK} }`;
    const missingStore = 'loc_00000000000000000000000000';
    for (const store of [berlin.id, DEMO_LOCATIONS.at(-1)!.id, missingStore]) {
      let data: any;
      const statements = await catalog.statementsDuring(async () => (data = expectData(await asAdmin()(listing, { store }))));
      // The page, the variants with their stock (no statement of its own for the stock), the store if it exists.
      expect(statements).toBe(store === missingStore ? 2 : 3);
      const variants = data.products.edges.flatMap((edge: any) => edge.node.variants);
      expect(variants.length).toBeGreaterThan(30);
      const listed = Object.fromEntries(variants.map((variant: any) => [variant.id, variant.availability]));
      expect(listed).toEqual(await levelsOneByOne(Object.keys(listed), store));
      if (store === missingStore) expect(variants.every((variant: any) => variant.availability === null)).toBe(true);
      else expect(variants.some((variant: any) => variant.availability.onHand > 0)).toBe(true);
    }
  });

  it('reads the stock of two stores asked at once as before, each correct', async () => {
    const other = DEMO_LOCATIONS.at(-1)!.id;
    const listing = `query($store: ID!, $other: ID!) { products(first: 10) { edges { node { variants {
      id here: ${STOCK} there: availability(locationId: $other) { available onHand reserved location { id } } } } } } }`;
    let data: any;
    const statements = await catalog.statementsDuring(async () => (data = expectData(await asAdmin()(listing, { store: berlin.id, other }))));
    // The page, the variants, the stock at both stores, the stores.
    expect(statements).toBe(4);
    const variants = data.products.edges.flatMap((edge: any) => edge.node.variants);
    const ids = variants.map((variant: any) => variant.id);
    expect(Object.fromEntries(variants.map((variant: any) => [variant.id, variant.here]))).toEqual(await levelsOneByOne(ids, berlin.id));
    expect(Object.fromEntries(variants.map((variant: any) => [variant.id, variant.there]))).toEqual(await levelsOneByOne(ids, other));
  });
});
