import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOCATIONS } from '@omni/demo-data';
import { createEventBus, type EventBus } from '@omni/events';
import { createGateway, SUPERGRAPH_FILE } from '@omni/gateway';
import type { RunningServer } from '@omni/graphql';
import { createTestDatabase, expectData, gatewayClient, testEventBusUrl, TEST_SIGNING_SECRET, TEST_TOKEN_SECRET, type TestDatabase } from '@omni/testing';
import { mintDemoToken, type DemoTokenRole } from '../src/demo-tokens';
import { startSupergraph, type RunningSupergraph } from '../src/start-supergraph';

/**
 * The gateway's cache of public catalog responses, through real HTTP on the whole supergraph:
 * repeated storefront reads reach no subgraph, every caller keeps their own view, and a price,
 * stock or publication change is visible within a second on every gateway, the one it was made
 * through and a second one that only hears the catalog's events, under concurrent readers.
 */
let database: TestDatabase;
let eventBus: EventBus;
let supergraph: RunningSupergraph;
/** A second gateway in front of the same subgraphs, as another replica: it learns of changes only from the catalog's events. */
let replica: RunningServer;

beforeAll(async () => {
  database = await createTestDatabase({ maxConnections: 30 });
  eventBus = await createEventBus({ url: testEventBusUrl(), name: 'catalog-cache-test' });
  supergraph = await startSupergraph({
    databases: database.client,
    signingSecret: TEST_SIGNING_SECRET,
    tokenSecret: TEST_TOKEN_SECRET,
    ports: { gateway: 0, customer: 0, catalog: 0, cart: 0, promotions: 0, support: 0 },
    seedDemoData: true,
    eventPollIntervalMs: 50,
    eventBus,
    rateLimits: false,
  });
  replica = await createGateway({
    supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'),
    subgraphUrls: supergraph.subgraphUrls,
    tokenSecret: TEST_TOKEN_SECRET,
    signingSecret: TEST_SIGNING_SECRET,
    rateLimits: false,
    liveFeed: eventBus.liveFeed,
    responseCache: {},
  }).listen(0);
});

afterAll(async () => {
  await replica?.stop();
  await supergraph?.stop();
  await eventBus?.close();
  await database?.drop();
});

const WAREHOUSE = DEMO_LOCATIONS.find((location) => location.kind === 'WAREHOUSE')!.id;
const as = async (role: DemoTokenRole, key?: string, url = supergraph.gatewayUrl) => gatewayClient(url, await mintDemoToken(TEST_TOKEN_SECRET, role, key));

/** The storefront's listing page, as the bench loads it: no variant ids, stock at one location. */
const LISTING = `query($location: ID!) {
  products(first: 24, sort: NEWEST) {
    edges { node { id title slug priceRange { min { amount currencyCode } max { amount } }
      variants { sku title price { amount currencyCode } availability(locationId: $location) { available } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const BY_SLUG = `query($slug: String!, $location: ID!) {
  product(slug: $slug) { id title publishedChannels variants { id sku price { amount } availability(locationId: $location) { available } } }
}`;

/** Catalog fetches the gateways made so far, from the gateway's own metrics. */
async function catalogFetches(): Promise<number> {
  const text = await (await fetch(new URL('/metrics', supergraph.gatewayUrl))).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('gateway_subgraph_fetches_total{') && line.includes('subgraph="catalog"')) total += Number(line.split(' ').at(-1));
  }
  return total;
}

/** A response body, read as the tests read it. */
const bodyOf = (response: Response): Promise<any> => response.json();

async function post(url: string, query: string, variables: Record<string, unknown>, token?: string) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
}

describe('repeated storefront reads', () => {
  it('answers a repeated anonymous listing and product page without any catalog fetch, saying how old the answer is', async () => {
    const variables = { location: WAREHOUSE };
    const first = await post(supergraph.gatewayUrl, LISTING, variables);
    const firstBody = await bodyOf(first);
    expect(firstBody.errors).toBeUndefined();
    expect(first.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
    const slug = firstBody.data.products.edges[0].node.slug;
    const firstPage = await bodyOf(await post(supergraph.gatewayUrl, BY_SLUG, { slug, location: WAREHOUSE }));
    expect(firstPage.data.product.id).toBe(firstBody.data.products.edges[0].node.id);

    const before = await catalogFetches();
    for (let i = 0; i < 20; i++) {
      const [listing, page] = await Promise.all([post(supergraph.gatewayUrl, LISTING, variables), post(supergraph.gatewayUrl, BY_SLUG, { slug, location: WAREHOUSE })]);
      expect(await bodyOf(listing)).toEqual(firstBody);
      expect(await bodyOf(page)).toEqual(firstPage);
      expect(listing.headers.get('age')).toMatch(/^\d+$/);
      expect(listing.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
    }
    expect(await catalogFetches()).toBe(before);
  });

  it('never caches personal data, and says so to the client', async () => {
    const anna = await mintDemoToken(TEST_TOKEN_SECRET, 'customer', 'anna');
    const ben = await mintDemoToken(TEST_TOKEN_SECRET, 'customer', 'ben');
    const ME = `{ me { displayName } products(first: 1) { edges { node { id } } } }`;
    const annaResponse = await post(supergraph.gatewayUrl, ME, {}, anna);
    expect(annaResponse.headers.get('cache-control')).toBe('no-store');
    expect(annaResponse.headers.get('age')).toBeNull();
    const names = new Set<string>();
    for (const token of [anna, ben, anna, ben]) names.add((await bodyOf(await post(supergraph.gatewayUrl, ME, {}, token))).data.me.displayName);
    expect(names.size).toBe(2);
  });
});

describe('each caller sees their own catalog', () => {
  let slug: string;

  beforeAll(async () => {
    const admin = await as('admin');
    slug = `cache-draft-${Date.now()}`;
    const created = expectData(
      await admin(`mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id variants { id } } userErrors { code } } }`, {
        input: { slug, title: 'Cached Draft Parka', vendor: 'Fjell', category: 'jackets', variants: [{ sku: `CACHE-${Date.now()}`, price: { amount: '120.00', currencyCode: 'EUR' } }] },
      }),
    ).createProduct;
    expect(created.userErrors).toEqual([]);
  });

  const DRAFTS = `{ products(first: 3, sort: NEWEST) { edges { node { slug } } } }`;
  const slugsOf = (data: any): string[] => data.products.edges.map((edge: any) => edge.node.slug);

  it('shows a draft to admins only, listing and page alike, however often each asks', async () => {
    const admin = await as('admin');
    const shopper = gatewayClient(supergraph.gatewayUrl);
    for (let round = 0; round < 3; round++) {
      expect(slugsOf(expectData(await admin(DRAFTS)))).toContain(slug);
      expect(slugsOf(expectData(await shopper(DRAFTS)))).not.toContain(slug);
      expect(expectData(await admin(BY_SLUG, { slug, location: WAREHOUSE })).product?.id).toBeTruthy();
      expect(expectData(await shopper(BY_SLUG, { slug, location: WAREHOUSE })).product).toBeNull();
    }
  });

  it('keeps the partner feed to what the marketplace is offered', async () => {
    const admin = await as('admin');
    const published = expectData(await admin(`mutation($input: PublicationInput!) { publishProduct(input: $input) { userErrors { code } } }`, { input: { id: (await productId(slug))!, channels: ['WEB'] } }));
    expect(published.publishProduct.userErrors).toEqual([]);
    const partner = await as('partner');
    const shopper = gatewayClient(supergraph.gatewayUrl);
    for (let round = 0; round < 3; round++) {
      expect(expectData(await shopper(BY_SLUG, { slug, location: WAREHOUSE })).product?.publishedChannels).toEqual(['WEB']);
      expect(expectData(await partner(BY_SLUG, { slug, location: WAREHOUSE })).product).toBeNull();
    }
  });

  it('shows stock internals to store staff only', async () => {
    const STOCK = `query($id: ID!) { variant(id: $id) { id stockLevels { available onHand } } }`;
    const listed = expectData(await gatewayClient(supergraph.gatewayUrl)(`{ products(first: 1) { edges { node { variants { id } } } } }`));
    const variantId = listed.products.edges[0].node.variants[0].id;
    const staff = await as('staff', 'berlin-cashier');
    const shopper = gatewayClient(supergraph.gatewayUrl);
    for (let round = 0; round < 3; round++) {
      const staffLevels = expectData(await staff(STOCK, { id: variantId })).variant.stockLevels;
      expect(staffLevels.length).toBeGreaterThan(0);
      expect(staffLevels.every((level: { onHand: number | null }) => typeof level.onHand === 'number')).toBe(true);
      const shopperLevels = expectData(await shopper(STOCK, { id: variantId })).variant.stockLevels;
      expect(shopperLevels.every((level: { onHand: number | null }) => level.onHand === null)).toBe(true);
    }
  });

  async function productId(productSlug: string): Promise<string | undefined> {
    return expectData(await (await as('admin'))(`query($slug: String!) { product(slug: $slug) { id } }`, { slug: productSlug })).product?.id;
  }
});

interface Observation {
  sentMs: number;
  receivedMs: number;
  value: unknown;
}

/**
 * Readers on both gateways ask `read` in a loop until stopped; `change` runs meanwhile through the
 * first gateway. Returns when the change committed (its response arrived) and what every reader saw.
 */
async function underLoad(read: (url: string) => Promise<unknown>, change: () => Promise<void>): Promise<{ committedMs: number; observations: Observation[] }> {
  const observations: Observation[] = [];
  let running = true;
  const reader = async (url: string) => {
    while (running) {
      const sentMs = Date.now();
      const value = await read(url);
      observations.push({ sentMs, receivedMs: Date.now(), value });
    }
  };
  const readers = [supergraph.gatewayUrl, supergraph.gatewayUrl, replica.url, replica.url, replica.url].map(reader);
  await new Promise((resolve) => setTimeout(resolve, 400));
  await change();
  const committedMs = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 1800));
  running = false;
  await Promise.all(readers);
  return { committedMs, observations };
}

/** Every response to a request sent after the commit, served more than a second after it, shows the new value; and some were served. */
function expectFreshAfterOneSecond({ committedMs, observations }: { committedMs: number; observations: Observation[] }, isNew: (value: unknown) => boolean) {
  const late = observations.filter((observation) => observation.sentMs >= committedMs && observation.receivedMs > committedMs + 1000);
  expect(late.length).toBeGreaterThan(10);
  expect(late.filter((observation) => !isNew(observation.value))).toEqual([]);
  // Before the change the old value was being served (from the cache), so the test saw a change.
  expect(observations.some((observation) => observation.receivedMs < committedMs && !isNew(observation.value))).toBe(true);
}

describe('a committed change is served within a second, on every gateway, under concurrent readers', () => {
  let product: { id: string; slug: string; variants: { id: string; sku: string; price: { amount: string } }[] };

  beforeAll(async () => {
    const listing = expectData(await gatewayClient(supergraph.gatewayUrl)(LISTING, { location: WAREHOUSE }));
    const slug = listing.products.edges.map((edge: any) => edge.node.slug).find((candidate: string) => !candidate.startsWith('cache-draft-'));
    product = { ...expectData(await gatewayClient(supergraph.gatewayUrl)(BY_SLUG, { slug, location: WAREHOUSE })).product, slug };
  });

  const readPage = (url: string) => gatewayClient(url)(BY_SLUG, { slug: product.slug, location: WAREHOUSE }).then((response) => expectData(response).product);
  const readListing = (url: string) =>
    gatewayClient(url)(LISTING, { location: WAREHOUSE }).then((response) => expectData(response).products.edges.find((edge: any) => edge.node.id === product.id)?.node ?? null);
  const both = async (url: string) => ({ page: await readPage(url), listed: await readListing(url) });

  it('a new price', async () => {
    const admin = await as('admin');
    const variant = product.variants[0]!;
    const newAmount = (Number(variant.price.amount) + 1.11).toFixed(2);
    const result = await underLoad(both, async () => {
      const payload = expectData(await admin(`mutation($input: SetVariantPriceInput!) { setVariantPrice(input: $input) { userErrors { code message } } }`, { input: { sku: variant.sku, price: { amount: newAmount, currencyCode: 'EUR' } } }));
      expect(payload.setVariantPrice.userErrors).toEqual([]);
    });
    expectFreshAfterOneSecond(result, (value: any) => value.page.variants[0].price.amount === newAmount && value.listed?.variants[0].price.amount === newAmount);
  });

  it('new stock', async () => {
    const admin = await as('admin');
    const variant = product.variants[0]!;
    const before = expectData(await admin(BY_SLUG, { slug: product.slug, location: WAREHOUSE })).product.variants[0].availability?.available ?? 0;
    const result = await underLoad(both, async () => {
      const payload = expectData(
        await admin(`mutation($input: AdjustInventoryInput!) { adjustInventory(input: $input) { userErrors { code message } } }`, {
          input: { variantId: variant.id, locationId: WAREHOUSE, delta: 7, reason: 'RECEIVED', idempotencyKey: `cache-stock-${Date.now()}` },
        }),
      );
      expect(payload.adjustInventory.userErrors).toEqual([]);
    });
    expectFreshAfterOneSecond(result, (value: any) => value.page.variants[0].availability?.available === before + 7 && value.listed?.variants[0].availability?.available === before + 7);
  });

  it('a withdrawal from the shop', async () => {
    const admin = await as('admin');
    const result = await underLoad(both, async () => {
      const payload = expectData(await admin(`mutation($input: PublicationInput!) { unpublishProduct(input: $input) { userErrors { code } } }`, { input: { id: product.id, channels: ['WEB'] } }));
      expect(payload.unpublishProduct.userErrors).toEqual([]);
    });
    expectFreshAfterOneSecond(result, (value: any) => value.page === null && value.listed === null);
  });
});
