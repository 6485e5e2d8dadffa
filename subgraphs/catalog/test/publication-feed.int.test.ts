import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOCATIONS, demoCatalog } from '@omni/demo-data';
import { expectData } from '@omni/testing';
import { callers, startCatalog, type CatalogHarness } from './harness';

let catalog: CatalogHarness;
const { products } = demoCatalog();
const berlin = DEMO_LOCATIONS[0]!;
const asAdmin = () => catalog.as(callers.admin());
const asPartner = () => catalog.as(callers.partner('partner_acme'));

beforeAll(async () => {
  catalog = await startCatalog();
});

afterAll(async () => {
  await catalog?.stop();
});

const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) {
  product { id slug title publishedChannels imageUrls variants { sku title price { amount currencyCode } compareAtPrice { amount } } }
  userErrors { code field message }
} }`;
const PUBLISH = `mutation($input: PublicationInput!) { publishProduct(input: $input) { product { id publishedChannels } userErrors { code field } } }`;
const UNPUBLISH = `mutation($input: PublicationInput!) { unpublishProduct(input: $input) { product { id publishedChannels } userErrors { code field } } }`;
const UPDATE_VARIANT = `mutation($input: UpdateVariantInput!) { updateVariant(input: $input) {
  variant { sku price { amount currencyCode } compareAtPrice { amount } } userErrors { code field message } } }`;

let skuCounter = 0;
function newProductInput(overrides: Record<string, unknown> = {}) {
  skuCounter += 1;
  return {
    slug: `test-anorak-${skuCounter}`,
    title: `Test Anorak ${skuCounter}`,
    description: 'Ветровка для проверки',
    vendor: 'Fjell',
    category: 'jackets',
    imageUrls: [`https://images.example.com/products/test-anorak-${skuCounter}.jpg`],
    variants: [
      { sku: `TST-${skuCounter}-S`, barcode: `99${String(skuCounter).padStart(8, '0')}1`, options: [{ name: 'Size', value: 'S' }], price: { amount: '49.90', currencyCode: 'EUR' } },
      { sku: `TST-${skuCounter}-M`, options: [{ name: 'Size', value: 'M' }], price: { amount: '54.90', currencyCode: 'EUR' }, compareAtPrice: { amount: '69.90', currencyCode: 'EUR' } },
    ],
    ...overrides,
  };
}

const productQuery = `query($id: ID!) { product(id: $id) { id title } }`;

describe('managing products', () => {
  it('creates a draft only admins see, then publishes it channel by channel', async () => {
    const created = expectData(await asAdmin()(CREATE, { input: newProductInput() })).createProduct;
    expect(created.userErrors).toEqual([]);
    expect(created.product).toMatchObject({
      publishedChannels: [],
      variants: [
        { title: 'S', price: { amount: '49.90', currencyCode: 'EUR' }, compareAtPrice: null },
        { title: 'M', price: { amount: '54.90', currencyCode: 'EUR' }, compareAtPrice: { amount: '69.90' } },
      ],
    });
    const id = created.product.id;
    const seenBy = async (caller: Parameters<CatalogHarness['as']>[0]) => expectData(await catalog.as(caller)(productQuery, { id })).product !== null;
    expect(await seenBy(callers.admin())).toBe(true);
    expect(await seenBy(callers.anonymous())).toBe(false);
    expect(await seenBy(callers.partner())).toBe(false);

    expect(expectData(await asAdmin()(PUBLISH, { input: { id, channels: ['WEB', 'POS'] } })).publishProduct.product.publishedChannels).toEqual(['WEB', 'POS']);
    expect(await seenBy(callers.anonymous('WEB'))).toBe(true);
    expect(await seenBy(callers.staff('staff_x', berlin.id))).toBe(true);
    expect(await seenBy(callers.anonymous('MOBILE_APP'))).toBe(false);
    expect(await seenBy(callers.partner())).toBe(false);
    const sku = created.product.variants[0].sku;
    expect(expectData(await asPartner()('query($sku: String!) { variantBySku(sku: $sku) { id } }', { sku })).variantBySku).toBeNull();

    expect(expectData(await asAdmin()(UNPUBLISH, { input: { id, channels: ['POS'] } })).unpublishProduct.product.publishedChannels).toEqual(['WEB']);
    expect(await seenBy(callers.staff('staff_x', berlin.id))).toBe(false);
  });

  it('refuses bad products with a clear error per field and stores nothing', async () => {
    const before = expectData(await asAdmin()('{ products(first: 100, sort: NEWEST) { edges { node { id } } } }')).products.edges.length;
    const base = newProductInput();
    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ ...base, variants: [{ ...base.variants[0], price: { amount: '-1.00', currencyCode: 'EUR' } }] }, 'INVALID', ['input', 'variants', '0', 'price', 'amount']],
      [{ ...base, variants: [base.variants[0], { ...base.variants[1], price: { amount: '10.00', currencyCode: 'USD' } }] }, 'INVALID', ['input', 'variants', '1', 'price', 'currencyCode']],
      [{ ...base, variants: [{ ...base.variants[0], price: { amount: '10.001', currencyCode: 'EUR' } }] }, 'INVALID', ['input', 'variants', '0', 'price', 'amount']],
      [{ ...base, variants: [{ ...base.variants[0], price: { amount: '10.00', currencyCode: 'EURO' } }] }, 'INVALID', ['input', 'variants', '0', 'price', 'currencyCode']],
      [{ ...base, variants: [base.variants[1], base.variants[1]] }, 'INVALID', ['input', 'variants', '0', 'sku']],
      [{ ...base, variants: [{ ...base.variants[1], compareAtPrice: { amount: '1.00', currencyCode: 'EUR' } }] }, 'INVALID', ['input', 'variants', '0', 'compareAtPrice', 'amount']],
      [{ ...base, variants: [{ ...base.variants[0], sku: products[0]!.variants[0]!.sku }] }, 'INVALID', ['input', 'variants', '0', 'sku']],
      [{ ...base, slug: products[0]!.slug }, 'INVALID', ['input', 'slug']],
      [{ ...base, slug: 'Not A Slug' }, 'INVALID', ['input', 'slug']],
      [{ ...base, category: 'spaceships' }, 'NOT_FOUND', ['input', 'category']],
      [{ ...base, variants: [] }, 'INVALID', ['input', 'variants']],
      [{ ...base, imageUrls: ['ftp://example.com/x.jpg'] }, 'INVALID', ['input', 'imageUrls', '0']],
    ];
    for (const [input, code, field] of cases) {
      const result = expectData(await asAdmin()(CREATE, { input })).createProduct;
      expect(result.product, JSON.stringify(field)).toBeNull();
      expect(result.userErrors[0], JSON.stringify(field)).toMatchObject({ code, field });
    }
    const after = expectData(await asAdmin()('{ products(first: 100, sort: NEWEST) { edges { node { id } } } }')).products.edges.length;
    expect(after).toBe(before);
  });

  it('reprices a variant by SKU in its own currency only, and refuses unknown SKUs', async () => {
    const variant = products[150]!.variants[0]!;
    const wrongCurrency = expectData(await asAdmin()(UPDATE_VARIANT, { input: { sku: variant.sku, price: { amount: '10.00', currencyCode: 'USD' } } })).updateVariant;
    expect(wrongCurrency).toEqual({ variant: null, userErrors: [{ code: 'INVALID', field: ['input', 'price', 'currencyCode'], message: 'must be in EUR, the currency this product is sold in' }] });
    const unknown = expectData(await asAdmin()(UPDATE_VARIANT, { input: { sku: 'NOPE-0000-0', price: { amount: '10.00', currencyCode: 'EUR' } } })).updateVariant;
    expect(unknown.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'sku'], message: 'No variant has SKU NOPE-0000-0' }]);
    const sale = expectData(
      await asAdmin()(UPDATE_VARIANT, { input: { sku: variant.sku, price: { amount: '1.00', currencyCode: 'EUR' }, compareAtPrice: { amount: '2.00', currencyCode: 'EUR' } } }),
    ).updateVariant;
    expect(sale).toEqual({ variant: { sku: variant.sku, price: { amount: '1.00', currencyCode: 'EUR' }, compareAtPrice: { amount: '2.00' } }, userErrors: [] });
    // The cheapest product now: price sorting follows the new price.
    const cheapest = expectData(await catalog.as(callers.anonymous())('{ products(first: 1, sort: PRICE_ASC) { edges { node { id } } } }'));
    expect(cheapest.products.edges[0].node.id).toBe(products[150]!.id);
  });

  it('needs catalog:write for every product change', async () => {
    for (const caller of [callers.anonymous(), callers.partner(), callers.staff('staff_x', berlin.id), callers.service('cart')]) {
      const response = await catalog.as(caller)(PUBLISH, { input: { id: products[0]!.id, channels: ['WEB'] } });
      expect(response.errors?.[0]?.extensions?.code, caller.kind).toBe(caller.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    }
  });
});

describe('what a partner key can read', () => {
  it('sees no inventory internals, no audit trail and no internal operations', async () => {
    const variant = products[0]!.variants[0]!;
    const data = expectData(
      await asPartner()(`query($id: ID!) { variant(id: $id) { stockLevels { available onHand reserved safetyStock adjustments(first: 5) { edges { node { id } } } } } }`, {
        id: variant.id,
      }),
    );
    for (const level of data.variant.stockLevels) expect(level).toMatchObject({ onHand: null, reserved: null, safetyStock: null, adjustments: null });
    const snapshots = await asPartner()('query($ids: [ID!]!) { variantSnapshots(ids: $ids) { id } }', { ids: [variant.id] });
    expect(snapshots.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const adjust = await asPartner()(`mutation($input: AdjustInventoryInput!) { adjustInventory(input: $input) { userErrors { code } } }`, {
      input: { variantId: variant.id, locationId: berlin.id, delta: 1, idempotencyKey: 'partner-try' },
    });
    expect(adjust.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lists and finds only products published to marketplaces', async () => {
    const hidden = products.filter((product) => !product.channels.includes('MARKETPLACE'));
    expect(hidden.length).toBeGreaterThan(0);
    const listed = new Set<string>();
    let after: string | null = null;
    do {
      const page: any = expectData(await asPartner()('query($after: String) { products(first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }', { after })).products;
      for (const edge of page.edges) listed.add(edge.node.id);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    for (const product of hidden) {
      expect(listed.has(product.id)).toBe(false);
      expect(expectData(await asPartner()(productQuery, { id: product.id })).product).toBeNull();
      expect(expectData(await asPartner()('query($slug: String!) { product(slug: $slug) { id } }', { slug: product.slug })).product).toBeNull();
      const barcode = product.variants[0]!.barcode;
      expect(expectData(await asPartner()('query($b: String!) { variantByBarcode(barcode: $b) { id } }', { b: barcode })).variantByBarcode).toBeNull();
    }
  });
});

const CHANGES = `query($first: Int, $after: String) { catalogChanges(first: $first, after: $after) {
  edges { cursor node { productId kind changedAt product { id title variants { sku price { amount } availableForSale } } } }
  pageInfo { hasNextPage endCursor }
} }`;

type Mirror = Map<string, { title: string; prices: string[] }>;

/** Applies every page after `cursor` to the mirror, as a partner would; returns the new cursor and how many entries arrived. */
async function pull(mirror: Mirror, cursor: string | null, pageSize = 100): Promise<{ cursor: string | null; entries: number }> {
  let after = cursor;
  let entries = 0;
  for (;;) {
    const page = expectData(await asPartner()(CHANGES, { first: pageSize, after })).catalogChanges;
    for (const { node } of page.edges) {
      entries += 1;
      if (node.kind === 'UPSERTED') mirror.set(node.productId, { title: node.product.title, prices: node.product.variants.map((v: any) => v.price.amount) });
      else mirror.delete(node.productId);
    }
    after = page.pageInfo.endCursor;
    if (!page.pageInfo.hasNextPage) return { cursor: after, entries };
  }
}

/** What the catalog publishes to marketplaces right now, read the way an admin sees it. */
async function publishedToMarketplaces(): Promise<Mirror> {
  const truth: Mirror = new Map();
  let after: string | null = null;
  do {
    const page: any = expectData(
      await asAdmin()(`query($after: String) { products(first: 100, after: $after) {
        edges { node { id title publishedChannels variants { price { amount } } } } pageInfo { hasNextPage endCursor } } }`, { after }),
    ).products;
    for (const { node } of page.edges) {
      if (node.publishedChannels.includes('MARKETPLACE')) truth.set(node.id, { title: node.title, prices: node.variants.map((v: any) => v.price.amount) });
    }
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return truth;
}

/**
 * Changes become visible to the feed once no older transaction is still running anywhere on the
 * server, e.g. another test file seeding its database; so a partner may have to ask again.
 */
const FEED_PATIENCE_ATTEMPTS = 150;

async function pullUntilMirrored(mirror: Mirror, cursor: string | null) {
  let state = { cursor, entries: 0 };
  for (let attempt = 0; attempt < FEED_PATIENCE_ATTEMPTS; attempt += 1) {
    const next = await pull(mirror, state.cursor);
    state = { cursor: next.cursor, entries: state.entries + next.entries };
    const truth = await publishedToMarketplaces();
    if (JSON.stringify([...mirror].sort()) === JSON.stringify([...truth].sort())) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the mirror never caught up with the catalog');
}

describe('the partner feed', () => {
  it('mirrors exactly what marketplaces are offered, then only what changed, tombstones included', async () => {
    const mirror: Mirror = new Map();
    const first = await pullUntilMirrored(mirror, null);
    const expectedCount = products.filter((product) => product.channels.includes('MARKETPLACE')).length;
    expect(mirror.size).toBeGreaterThanOrEqual(expectedCount - 5);
    expect([...mirror.keys()].some((id) => !products.find((p) => p.id === id)?.channels.includes('MARKETPLACE'))).toBe(false);
    // An up-to-date partner gets an empty page and keeps its cursor.
    const idle = expectData(await asPartner()(CHANGES, { first: 10, after: first.cursor })).catalogChanges;
    expect(idle.edges).toEqual([]);
    expect(idle.pageInfo.endCursor).toBe(first.cursor);

    const offMarket = products.find((product, index) => index >= 200 && !product.channels.includes('MARKETPLACE'))!;
    const onMarket = products[20]!;
    const repriced = products[21]!;
    await asAdmin()(UNPUBLISH, { input: { id: onMarket.id, channels: ['MARKETPLACE'] } });
    await asAdmin()(PUBLISH, { input: { id: offMarket.id, channels: ['MARKETPLACE'] } });
    await asAdmin()(UPDATE_VARIANT, { input: { sku: repriced.variants[0]!.sku, price: { amount: '7.77', currencyCode: 'EUR' } } });
    await asAdmin()('mutation($input: UpdateProductInput!) { updateProduct(input: $input) { userErrors { code } } }', {
      input: { id: products[22]!.id, title: 'Renamed Parka' },
    });
    const created = expectData(await asAdmin()(CREATE, { input: newProductInput({ channels: ['MARKETPLACE'] }) })).createProduct.product;
    const draft = expectData(await asAdmin()(CREATE, { input: newProductInput() })).createProduct.product;

    const second = await pullUntilMirrored(mirror, first.cursor);
    expect(mirror.has(onMarket.id)).toBe(false);
    expect(mirror.has(offMarket.id)).toBe(true);
    expect(mirror.get(repriced.id)!.prices[0]).toBe('7.77');
    expect(mirror.get(products[22]!.id)!.title).toBe('Renamed Parka');
    expect(mirror.has(created.id)).toBe(true);
    expect(mirror.has(draft.id)).toBe(false);
    // Only the changed products came down the second time, not the whole catalog again.
    expect(second.entries).toBeLessThanOrEqual(10);
  });

  it('carries stock changes and refuses a forged cursor or an oversized page', async () => {
    const mirror: Mirror = new Map();
    const { cursor } = await pullUntilMirrored(mirror, null);
    const product = products[30]!;
    await asAdmin()(`mutation($input: AdjustInventoryInput!) { adjustInventory(input: $input) { userErrors { code } } }`, {
      input: { variantId: product.variants[0]!.id, locationId: berlin.id, delta: 5, reason: 'RECEIVED', idempotencyKey: `feed-stock-${Date.now()}` },
    });
    let seen: string[] = [];
    for (let attempt = 0; attempt < FEED_PATIENCE_ATTEMPTS && !seen.includes(product.id); attempt += 1) {
      const page = expectData(await asPartner()(CHANGES, { first: 100, after: cursor })).catalogChanges;
      seen = page.edges.map((edge: any) => edge.node.productId);
      if (!seen.includes(product.id)) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen).toContain(product.id);
    expect((await asPartner()(CHANGES, { first: 101 })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await asPartner()(CHANGES, { first: 5, after: 'forged' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('prices in several currencies', () => {
  const SET_PRICE = `mutation($input: SetVariantPriceInput!) { setVariantPrice(input: $input) {
    variant { sku price { amount currencyCode } prices { price { amount currencyCode } compareAtPrice { amount } } }
    userErrors { code field message } } }`;
  const PRICES = `query($id: ID!) { variant(id: $id) {
    prices { price { amount currencyCode } compareAtPrice { amount currencyCode } }
    usd: priceIn(currencyCode: "USD") { price { amount } }
    yen: priceIn(currencyCode: "JPY") { price { amount } }
  } }`;

  it('shows the demo variants in euros first, then in dollars', async () => {
    const demo = products[3]!.variants[0]!;
    const data = expectData(await catalog.as(callers.anonymous())(PRICES, { id: demo.id })).variant;
    const usd = demo.otherPrices[0]!;
    expect(data.prices).toEqual([
      { price: { amount: (demo.priceMinor / 100).toFixed(2), currencyCode: 'EUR' }, compareAtPrice: { amount: (demo.compareAtMinor! / 100).toFixed(2), currencyCode: 'EUR' } },
      { price: { amount: (usd.amountMinor / 100).toFixed(2), currencyCode: 'USD' }, compareAtPrice: { amount: (usd.compareAtMinor! / 100).toFixed(2), currencyCode: 'USD' } },
    ]);
    expect(data.usd).toEqual({ price: { amount: (usd.amountMinor / 100).toFixed(2) } });
    expect(data.yen).toBeNull();
  });

  it('adds a currency, reprices the own one, and refuses bad prices changing nothing', async () => {
    const variant = products[41]!.variants[0]!;
    const gbp = expectData(await asAdmin()(SET_PRICE, { input: { sku: variant.sku, price: { amount: '12.50', currencyCode: 'GBP' } } })).setVariantPrice;
    expect(gbp.userErrors).toEqual([]);
    expect(gbp.variant.prices.map((p: any) => p.price.currencyCode)).toEqual(['EUR', 'GBP', 'USD']);
    const eur = expectData(await asAdmin()(SET_PRICE, { input: { sku: variant.sku, price: { amount: '9.90', currencyCode: 'EUR' } } })).setVariantPrice;
    expect(eur.variant.price).toEqual({ amount: '9.90', currencyCode: 'EUR' });
    const bad: [Record<string, unknown>, string, string[]][] = [
      [{ sku: variant.sku, price: { amount: '1.00', currencyCode: 'EURO' } }, 'INVALID', ['input', 'price', 'currencyCode']],
      [{ sku: variant.sku, price: { amount: '-1', currencyCode: 'GBP' } }, 'INVALID', ['input', 'price', 'amount']],
      [{ sku: variant.sku, price: { amount: '5', currencyCode: 'GBP' }, compareAtPrice: { amount: '6', currencyCode: 'USD' } }, 'INVALID', ['input', 'compareAtPrice', 'currencyCode']],
      [{ sku: 'NOPE-1', price: { amount: '5', currencyCode: 'GBP' } }, 'NOT_FOUND', ['input', 'sku']],
    ];
    for (const [input, code, field] of bad) {
      const result = expectData(await asAdmin()(SET_PRICE, { input })).setVariantPrice;
      expect(result.userErrors[0], JSON.stringify(input)).toMatchObject({ code, field });
    }
    const after = expectData(await asAdmin()(PRICES, { id: variant.id })).variant.prices;
    expect(after.map((p: any) => p.price)).toEqual([
      { amount: '9.90', currencyCode: 'EUR' },
      { amount: '12.50', currencyCode: 'GBP' },
      { amount: ((variant.otherPrices[0]!.amountMinor) / 100).toFixed(2), currencyCode: 'USD' },
    ]);
  });
});

describe('references to products a caller may not see', () => {
  const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { id title } ... on Variant { id sku } } }`;
  const PUBLICATIONS = `query($ids: [ID!]!) { productPublications(ids: $ids) { id publishedChannels } }`;

  it('resolve to null for shoppers, as `product(id)` answers them, and in full for staff and admins', async () => {
    const draft = expectData(await asAdmin()(CREATE, { input: newProductInput() })).createProduct.product;
    const posOnly = expectData(await asAdmin()(CREATE, { input: newProductInput({ channels: ['POS'] }) })).createProduct.product;
    const variantOf = async (productId: string) =>
      expectData(await asAdmin()('query($id: ID!) { product(id: $id) { variants { id } } }', { id: productId })).product.variants[0].id as string;
    const reps = [
      { __typename: 'Product', id: draft.id },
      { __typename: 'Variant', id: await variantOf(draft.id) },
      { __typename: 'Product', id: posOnly.id },
      { __typename: 'Product', id: products[0]!.id },
    ];
    const shopper = expectData(await catalog.as(callers.customer('cus_someone'))(ENTITIES, { reps }));
    expect(shopper._entities).toEqual([null, null, null, { id: products[0]!.id, title: products[0]!.title }]);
    const partner = expectData(await asPartner()(ENTITIES, { reps }));
    expect(partner._entities.slice(0, 3)).toEqual([null, null, null]);
    // A cashier at a till sees the POS product through a reference, and the draft too: staff serve
    // customers whatever they hold.
    for (const caller of [callers.staff('staff_someone', berlin.id), callers.admin()]) {
      const served = expectData(await catalog.as(caller)(ENTITIES, { reps }));
      expect(served._entities.map((entity: { id: string } | null) => entity?.id)).toEqual(reps.map((rep) => rep.id));
    }
  });

  it('tells sibling services where products are offered, null for unknown ids, and nobody else', async () => {
    const draft = expectData(await asAdmin()(CREATE, { input: newProductInput() })).createProduct.product;
    const ids = [draft.id, products[0]!.id, 'prod_00000000000000000000000000', 'not-an-id'];
    const data = expectData(await catalog.as(callers.service('customer'), 'customer')(PUBLICATIONS, { ids }));
    expect(data.productPublications).toEqual([
      { id: draft.id, publishedChannels: [] },
      { id: products[0]!.id, publishedChannels: products[0]!.channels },
      null,
      null,
    ]);
    const refused = await catalog.as(callers.customer('cus_someone'))(PUBLICATIONS, { ids });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('the partner feed and products marketplaces never offered', () => {
  it('leaves out drafts and products of other channels, and tombstones what it once carried', async () => {
    const draft = expectData(await asAdmin()(CREATE, { input: newProductInput() })).createProduct.product;
    const webOnly = expectData(await asAdmin()(CREATE, { input: newProductInput({ channels: ['WEB'] }) })).createProduct.product;
    const withdrawn = expectData(await asAdmin()(CREATE, { input: newProductInput({ channels: ['MARKETPLACE', 'WEB'] }) })).createProduct.product;
    await asAdmin()(UNPUBLISH, { input: { id: withdrawn.id, channels: ['MARKETPLACE'] } });
    // Publishing the draft to the web later does not bring it to marketplaces either.
    await asAdmin()(PUBLISH, { input: { id: draft.id, channels: ['WEB'] } });
    const marker = expectData(await asAdmin()(CREATE, { input: newProductInput({ channels: ['MARKETPLACE'] }) })).createProduct.product;

    const kinds = new Map<string, string>();
    let after: string | null = null;
    for (let attempt = 0; attempt < FEED_PATIENCE_ATTEMPTS && !kinds.has(marker.id); attempt += 1) {
      const page: { edges: { node: { productId: string; kind: string } }[]; pageInfo: { endCursor: string | null } } = expectData(
        await asPartner()(CHANGES, { first: 100, after }),
      ).catalogChanges;
      for (const { node } of page.edges) kinds.set(node.productId, node.kind);
      if (page.edges.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      after = page.pageInfo.endCursor;
    }
    expect(kinds.get(marker.id)).toBe('UPSERTED');
    expect(kinds.get(withdrawn.id)).toBe('REMOVED');
    expect(kinds.has(draft.id)).toBe(false);
    expect(kinds.has(webOnly.id)).toBe(false);
  });
});
