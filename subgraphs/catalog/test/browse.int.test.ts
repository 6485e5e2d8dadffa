import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CURRENCY, DEMO_LOCATIONS, DEMO_PRODUCT_COUNT, demoCatalog, type DemoProduct } from '@omni/demo-data';
import { toMoney } from '@omni/graphql';
import { expectData } from '@omni/testing';
import { callers, startCatalog, type CatalogHarness } from './harness';

let catalog: CatalogHarness;
const { products: allProducts } = demoCatalog();
/** What an anonymous shopper on the web sees: products published to WEB. */
const products = allProducts.filter((product) => product.channels.includes('WEB'));
const shopper = () => catalog.as(callers.anonymous());

beforeAll(async () => {
  catalog = await startCatalog();
});

afterAll(async () => {
  await catalog?.stop();
});

const PAGE = `query($first: Int, $after: String, $filter: ProductFilter) {
  products(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id title category { name } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface Page {
  products: {
    edges: { cursor: string; node: { id: string; title: string; category: { name: string } } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

async function walkAllPages(first: number, filter?: Record<string, unknown>) {
  const ids: string[] = [];
  const pages: Page['products'][] = [];
  let after: string | null = null;
  do {
    const data: Page = expectData(await shopper()<Page>(PAGE, { first, after, filter }));
    pages.push(data.products);
    ids.push(...data.products.edges.map((edge) => edge.node.id));
    after = data.products.pageInfo.hasNextPage ? data.products.pageInfo.endCursor : null;
    if (pages.length > 400) throw new Error('pagination does not terminate');
  } while (after);
  return { ids, pages };
}

/** What the 'simple' prefix search should find, computed independently of SQL. */
function expectedMatches(search: string, inCategory?: string): DemoProduct[] {
  const terms = search.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return products.filter((product) => {
    if (inCategory && product.category !== inCategory) return false;
    const words = `${product.title} ${product.description}`.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    return terms.every((term) => words.some((word) => word.startsWith(term)));
  });
}

describe('browsing the catalog', () => {
  it('refuses a request without the gateway signature', async () => {
    const response = await fetch(catalog.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ locations { id } }' }),
    });
    expect(response.status).toBe(401);
  });

  it.each([100, 37])('pages through all products %i at a time with no duplicates or gaps', async (first) => {
    const { ids, pages } = await walkAllPages(first);
    expect(ids).toHaveLength(products.length);
    expect(products.length).toBeGreaterThan(DEMO_PRODUCT_COUNT * 0.9);
    expect(new Set(ids).size).toBe(products.length);
    // Creation order: the demo ids were minted in catalog order.
    expect(ids).toEqual(products.map((product) => product.id));
    expect(pages).toHaveLength(Math.ceil(products.length / first));
    expect(pages[0]!.pageInfo.hasPreviousPage).toBe(false);
    expect(pages[1]!.pageInfo.hasPreviousPage).toBe(true);
    expect(pages.at(-1)!.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses page sizes above 100 and forged cursors', async () => {
    const tooBig = await shopper()(PAGE, { first: 101 });
    expect(tooBig.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const forged = await shopper()(PAGE, { first: 5, after: 'not-a-cursor' });
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('finds products by word prefixes in title and description', async () => {
    const expected = expectedMatches('alp park');
    expect(expected.length).toBeGreaterThan(0);
    const { ids } = await walkAllPages(100, { search: 'Alp park' });
    expect(ids).toEqual(expected.map((product) => product.id));
  });

  it('searches the description too (vendors are only named there)', async () => {
    const expected = expectedMatches('fjell');
    expect(expected.length).toBe(products.filter((product) => product.vendor === 'Fjell').length);
    const { ids } = await walkAllPages(25, { search: 'FJELL' });
    expect(ids).toEqual(expected.map((product) => product.id));
  });

  it('treats tsquery syntax in a search as plain words', async () => {
    const data = expectData(await shopper()<Page>(PAGE, { first: 10, filter: { search: "parka:* | !(') & --" } }));
    expect(data.products.edges.map((edge) => edge.node.id)).toEqual(expectedMatches('parka').slice(0, 10).map((p) => p.id));
    const nothing = expectData(await shopper()<Page>(PAGE, { first: 10, filter: { search: 'zzzqqq' } }));
    expect(nothing.products.edges).toEqual([]);
    expect(nothing.products.pageInfo).toMatchObject({ hasNextPage: false, endCursor: null });
  });

  it('refuses a search longer than 200 characters', async () => {
    const response = await shopper()(PAGE, { first: 5, filter: { search: 'a'.repeat(201) } });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('filters by category slug or name, alone or with a search', async () => {
    const jackets = products.filter((product) => product.category === 'Jackets');
    const bySlug = await walkAllPages(20, { category: 'jackets' });
    const byName = await walkAllPages(20, { category: 'Jackets' });
    expect(bySlug.ids).toEqual(jackets.map((product) => product.id));
    expect(byName.ids).toEqual(bySlug.ids);
    expect(bySlug.pages.flatMap((page) => page.edges.map((edge) => edge.node.category.name))).toEqual(jackets.map(() => 'Jackets'));

    const both = await walkAllPages(20, { category: 'jackets', search: 'nordic' });
    expect(both.ids).toEqual(expectedMatches('nordic', 'Jackets').map((product) => product.id));
    expect(both.ids.length).toBeGreaterThan(0);

    const unknown = await walkAllPages(20, { category: 'spaceships' });
    expect(unknown.ids).toEqual([]);
  });

  it('lists categories alphabetically', async () => {
    const data = expectData(await shopper()('{ categories { id slug name } }'));
    expect(data.categories.map((c: { name: string }) => c.name)).toEqual(['Bags', 'Home', 'Jackets', 'Shirts', 'Shoes', 'Trousers']);
    expect(data.categories.find((c: { name: string }) => c.name === 'Jackets').slug).toBe('jackets');
  });

  it('looks a product up by slug or id, with variants in position order and a price range', async () => {
    const demo = products[7]!;
    const query = `query($id: ID, $slug: String) { product(id: $id, slug: $slug) {
      id slug title description vendor createdAt
      priceRange { min { amount currencyCode } max { amount currencyCode } }
      variants { id sku title options { name value } price { amount currencyCode } product { id } }
    } }`;
    const bySlug = expectData(await shopper()(query, { slug: demo.slug }));
    const byId = expectData(await shopper()(query, { id: demo.id }));
    expect(byId).toEqual(bySlug);
    expect(bySlug.product).toMatchObject({ id: demo.id, title: demo.title, vendor: demo.vendor, description: demo.description });
    expect(bySlug.product.createdAt).toBe('2026-11-01T09:00:00.000Z');
    expect(bySlug.product.variants).toEqual(
      demo.variants.map((variant) => ({
        id: variant.id,
        sku: variant.sku,
        title: variant.title,
        options: variant.options,
        price: toMoney(variant.priceMinor, DEMO_CURRENCY),
        product: { id: demo.id },
      })),
    );
    const prices = demo.variants.map((variant) => variant.priceMinor);
    expect(bySlug.product.priceRange).toEqual({
      min: toMoney(Math.min(...prices), DEMO_CURRENCY),
      max: toMoney(Math.max(...prices), DEMO_CURRENCY),
    });
  });

  it('needs exactly one of id and slug, and answers null for unknown products', async () => {
    const both = await shopper()('query($id: ID, $slug: String) { product(id: $id, slug: $slug) { id } }', { id: products[0]!.id, slug: products[0]!.slug });
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const neither = await shopper()('{ product { id } }');
    expect(neither.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const unknown = expectData(await shopper()('{ a: product(slug: "no-such-thing") { id } b: product(id: "prod_junk") { id } }'));
    expect(unknown).toEqual({ a: null, b: null });
  });

  it('looks variants up by id, SKU and barcode', async () => {
    const demo = products[42]!;
    const variant = demo.variants[1]!;
    const query = `query($id: ID!, $sku: String!, $barcode: String!) {
      byId: variant(id: $id) { id sku barcode product { slug } }
      bySku: variantBySku(sku: $sku) { id sku barcode product { slug } }
      byBarcode: variantByBarcode(barcode: $barcode) { id sku barcode product { slug } }
      noSku: variantBySku(sku: "NOPE-0000-0") { id }
      noBarcode: variantByBarcode(barcode: "0000000000000") { id }
      noId: variant(id: "var_00000000000000000000000000") { id }
    }`;
    const data = expectData(await shopper()(query, { id: variant.id, sku: variant.sku, barcode: variant.barcode }));
    const expected = { id: variant.id, sku: variant.sku, barcode: variant.barcode, product: { slug: demo.slug } };
    expect(data).toEqual({ byId: expected, bySku: expected, byBarcode: expected, noSku: null, noBarcode: null, noId: null });
  });

  it('lists stores and warehouses and filters them by kind', async () => {
    const all = expectData(await shopper()('{ locations { id name kind pickupEnabled address { street city postalCode countryCode } } }'));
    expect(all.locations.map((l: { id: string }) => l.id)).toEqual(DEMO_LOCATIONS.map((l) => l.id));
    const berlin = DEMO_LOCATIONS[0]!;
    expect(all.locations[0]).toEqual({
      id: berlin.id,
      name: berlin.name,
      kind: 'STORE',
      pickupEnabled: true,
      address: { street: berlin.street, city: berlin.city, postalCode: berlin.postalCode, countryCode: 'DE' },
    });
    const warehouses = expectData(await shopper()('{ locations(kind: WAREHOUSE) { name } }'));
    expect(warehouses.locations).toEqual([{ name: 'Leipzig Warehouse' }]);
    const one = expectData(await shopper()('query($id: ID!) { location(id: $id) { name } }', { id: berlin.id }));
    expect(one.location).toEqual({ name: 'Berlin Mitte' });
  });

  it('resolves entity references of every owned type, in the order given', async () => {
    const demo = products[3]!;
    const reps = [
      { __typename: 'Variant', id: demo.variants[0]!.id },
      { __typename: 'Location', id: DEMO_LOCATIONS[4]!.id },
      { __typename: 'Product', id: demo.id },
      { __typename: 'Product', id: 'prod_00000000000000000000000000' },
    ];
    const query = `query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on Product { id title }
      ... on Variant { id sku }
      ... on Location { id kind }
    } }`;
    const data = expectData(await catalog.as(callers.customer('cus_someone'))(query, { reps }));
    expect(data._entities).toEqual([
      { id: demo.variants[0]!.id, sku: demo.variants[0]!.sku },
      { id: DEMO_LOCATIONS[4]!.id, kind: 'WAREHOUSE' },
      { id: demo.id, title: demo.title },
      null,
    ]);
  });
});

describe('SQL statements per request (no N+1)', () => {
  const DEEP_PAGE = `query($first: Int) { products(first: $first) { edges { node {
    title category { name } priceRange { min { amount } } availableForSale
    variants { sku price { amount } availableForSale stockLevels { available location { name } } }
  } } } }`;

  it('costs the same for 1 product as for 100 products with all their variants and stock', async () => {
    const client = catalog.as(callers.staff('staff_x', DEMO_LOCATIONS[0]!.id));
    let few: Record<string, any> = {};
    let many: Record<string, any> = {};
    const forOne = await catalog.statementsDuring(async () => {
      few = expectData(await client(DEEP_PAGE, { first: 1 }));
    });
    const forHundred = await catalog.statementsDuring(async () => {
      many = expectData(await client(DEEP_PAGE, { first: 100 }));
    });
    expect(few.products.edges).toHaveLength(1);
    expect(many.products.edges).toHaveLength(100);
    expect(many.products.edges[99].node.variants.length).toBeGreaterThan(0);
    // Page, categories, variants, stock levels, available totals, locations: one statement each.
    expect(forOne).toBe(6);
    expect(forHundred).toBe(forOne);
  });

  it('costs the same to resolve 1 or 200 variant references with product and store availability', async () => {
    const variantIds = products.flatMap((product) => product.variants.map((variant) => variant.id)).slice(0, 200);
    const query = `query($reps: [_Any!]!, $store: ID!) { _entities(representations: $reps) { ... on Variant {
      sku product { title } availability(locationId: $store) { available location { name } }
    } } }`;
    const client = catalog.as(callers.customer('cus_someone'));
    const run = (ids: string[]) => async () => {
      const data = expectData(await client(query, { reps: ids.map((id) => ({ __typename: 'Variant', id })), store: DEMO_LOCATIONS[1]!.id }));
      expect(data._entities).toHaveLength(ids.length);
      expect(data._entities.every((entity: { availability: unknown }) => entity.availability !== null)).toBe(true);
    };
    const forOne = await catalog.statementsDuring(run(variantIds.slice(0, 1)));
    const forMany = await catalog.statementsDuring(run(variantIds));
    // Variants, their products, their stock levels, the locations.
    expect(forOne).toBe(4);
    expect(forMany).toBe(forOne);
  });
});
