import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, type ObjectTypeDefinitionNode } from 'graphql';
import { DEMO_CURRENCY, DEMO_LOCATIONS, DEMO_STAFF, demoCatalog } from '@omni/demo-data';
import { expectData } from '@omni/testing';
import { callers, startCatalog, type CatalogHarness } from './harness';

let catalog: CatalogHarness;
const { products, stock } = demoCatalog();
const allVariants = products.flatMap((product) => product.variants.map((variant) => ({ ...variant, productTitle: product.title })));
const asCart = () => catalog.as(callers.service('cart'), 'cart');

const SNAPSHOTS = `query($ids: [ID!]!) { variantSnapshots(ids: $ids) {
  id sku title productTitle priceMinor currencyCode availableForSale totalAvailable
} }`;

beforeAll(async () => {
  catalog = await startCatalog();
});

afterAll(async () => {
  await catalog?.stop();
});

function expectedSnapshot(variant: (typeof allVariants)[number]) {
  const totalAvailable = stock.filter((level) => level.variantId === variant.id).reduce((sum, level) => sum + level.onHand, 0);
  return {
    id: variant.id,
    sku: variant.sku,
    title: variant.title,
    productTitle: variant.productTitle,
    priceMinor: variant.priceMinor,
    currencyCode: DEMO_CURRENCY,
    availableForSale: totalAvailable > 0,
    totalAvailable,
  };
}

describe('variantSnapshots (internal, for the cart subgraph)', () => {
  it.each([
    ['a customer signed by the gateway', callers.customer('cus_anyone')],
    ['staff signed by the gateway', callers.staff(DEMO_STAFF[0]!.id, DEMO_LOCATIONS[0]!.id)],
    ['an admin signed by the gateway', callers.admin()],
  ])('refuses %s', async (_, caller) => {
    const response = await catalog.as(caller)(SNAPSHOTS, { ids: [allVariants[0]!.id] });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(response.data?.variantSnapshots ?? null).toBeNull();
  });

  it("prices in the cart's currency where the variant has a price in it, else in its own", async () => {
    const [a, b] = [allVariants[3]!, allVariants[4]!];
    const usd = a.otherPrices.find((price) => price.currencyCode === 'USD')!;
    const PRICED = `query($ids: [ID!]!, $currencyCode: String) { variantSnapshots(ids: $ids, currencyCode: $currencyCode) { id priceMinor currencyCode compareAtMinor } }`;
    const inDollars = expectData(await asCart()(PRICED, { ids: [a.id], currencyCode: 'USD' })).variantSnapshots;
    expect(inDollars).toEqual([{ id: a.id, priceMinor: usd.amountMinor, currencyCode: 'USD', compareAtMinor: usd.compareAtMinor }]);
    const inEuros = expectData(await asCart()(PRICED, { ids: [a.id, b.id], currencyCode: DEMO_CURRENCY })).variantSnapshots;
    expect(inEuros.map((snapshot: { priceMinor: number; currencyCode: string }) => [snapshot.priceMinor, snapshot.currencyCode])).toEqual([[a.priceMinor, DEMO_CURRENCY], [b.priceMinor, DEMO_CURRENCY]]);
    const inPounds = expectData(await asCart()(PRICED, { ids: [a.id], currencyCode: 'GBP' })).variantSnapshots;
    expect(inPounds[0]).toMatchObject({ priceMinor: a.priceMinor, currencyCode: DEMO_CURRENCY });
    const bad = await asCart()(PRICED, { ids: [a.id], currencyCode: 'euro' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers the cart service in the order asked, with null for unknown ids and repeats honoured', async () => {
    const [a, b, c] = [allVariants[5]!, allVariants[0]!, allVariants[700]!];
    const ids = [a.id, 'var_00000000000000000000000000', b.id, 'not-an-id', c.id, a.id];
    const data = expectData(await asCart()(SNAPSHOTS, { ids }));
    expect(data.variantSnapshots).toEqual([
      expectedSnapshot(a),
      null,
      expectedSnapshot(b),
      null,
      expectedSnapshot(c),
      expectedSnapshot(a),
    ]);
  });

  it("names each variant's product and its category, for promotions that target them", async () => {
    const [first, other] = [products[0]!, products[1]!];
    const ids = [first.variants[0]!.id, other.variants[0]!.id];
    const data = expectData(await catalog.as(callers.service('promotions'), 'promotions')(`query($ids: [ID!]!) { variantSnapshots(ids: $ids) { productId categoryId } }`, { ids }));
    expect(data.variantSnapshots.map((snapshot: { productId: string }) => snapshot.productId)).toEqual([first.id, other.id]);
    for (const snapshot of data.variantSnapshots) expect(snapshot.categoryId).toMatch(/^cat_/);
  });

  it('counts only unreserved units and reports a sold-out variant as not for sale', async () => {
    const variant = allVariants[9]!;
    // Whoever counts stock there: the store manager in a store, warehouse staff in the warehouse.
    const staffAt = (location: (typeof DEMO_LOCATIONS)[number]) =>
      catalog.as(callers.staff(DEMO_STAFF[0]!.id, location.id, 'POS', location.kind === 'WAREHOUSE' ? 'WAREHOUSE' : 'STORE_MANAGER'));
    for (const location of DEMO_LOCATIONS) {
      const onHand = stock.find((level) => level.variantId === variant.id && level.locationId === location.id)!.onHand;
      if (onHand === 0) continue;
      const response = await staffAt(location)(
        `mutation($input: AdjustInventoryInput!) { adjustInventory(input: $input) { userErrors { code } } }`,
        { input: { variantId: variant.id, locationId: location.id, delta: -onHand, reason: 'COUNTED', idempotencyKey: `sell-out-${location.id}` } },
      );
      expect(expectData(response).adjustInventory.userErrors).toEqual([]);
    }
    const data = expectData(await asCart()(SNAPSHOTS, { ids: [variant.id] }));
    expect(data.variantSnapshots[0]).toMatchObject({ id: variant.id, totalAvailable: 0, availableForSale: false });
  });

  it('refuses more than 250 ids', async () => {
    const ids = allVariants.slice(0, 251).map((variant) => variant.id);
    const response = await asCart()(SNAPSHOTS, { ids });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(expectData(await asCart()(SNAPSHOTS, { ids: ids.slice(0, 250) })).variantSnapshots).toHaveLength(250);
  });

  it('costs one SQL statement whether 1 or 250 variants are asked for', async () => {
    const ids = allVariants.slice(300, 550).map((variant) => variant.id);
    const forOne = await catalog.statementsDuring(async () => {
      expect(expectData(await asCart()(SNAPSHOTS, { ids: ids.slice(0, 1) })).variantSnapshots).toHaveLength(1);
    });
    const forMany = await catalog.statementsDuring(async () => {
      expect(expectData(await asCart()(SNAPSHOTS, { ids })).variantSnapshots.every(Boolean)).toBe(true);
    });
    expect(forOne).toBe(1);
    expect(forMany).toBe(1);
  });

  it('is marked @inaccessible in the SDL the subgraph serves, so the gateway never exposes it', async () => {
    const data = expectData(await asCart()('{ _service { sdl } }'));
    const document = parse(data._service.sdl);
    const objectType = (name: string) =>
      document.definitions.find((definition): definition is ObjectTypeDefinitionNode => 'name' in definition && definition.name?.value === name && definition.kind === 'ObjectTypeDefinition');
    const directivesOf = (node: { directives?: readonly { name: { value: string } }[] } | undefined) => node?.directives?.map((d) => d.name.value) ?? [];
    const field = objectType('Query')?.fields?.find((candidate) => candidate.name.value === 'variantSnapshots');
    expect(directivesOf(field)).toContain('inaccessible');
    expect(directivesOf(objectType('VariantSnapshot'))).toContain('inaccessible');
  });
});
