import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOCATIONS, DEMO_STAFF, demoCatalog } from '@omni/demo-data';
import { expectData } from '@omni/testing';
import { callers, startCatalog, type CatalogHarness } from './harness';

let catalog: CatalogHarness;
const { products, stock } = demoCatalog();
const variants = products.flatMap((product) => product.variants);
const asCart = () => catalog.as(callers.service('cart'), 'cart');
const onHandAt = (variantId: string, locationId: string) => stock.find((level) => level.variantId === variantId && level.locationId === locationId)?.onHand ?? 0;

const COVERAGE = `query($lines: [StockCoverageLineInput!]!) { stockCoverage(lines: $lines) {
  location { id kind pickupEnabled transferLeadDays deliveryLeadDays } shortVariantIds
} }`;

beforeAll(async () => {
  catalog = await startCatalog();
});

afterAll(async () => {
  await catalog?.stop();
});

describe('stockCoverage (internal, for the cart subgraph)', () => {
  it('names per location the lines it cannot fill, from the seeded stock', async () => {
    const [a, b] = [variants[3]!, variants[40]!];
    const lines = [
      { variantId: a.id, quantity: 2 },
      { variantId: b.id, quantity: 1 },
    ];
    const data = expectData(await asCart()(COVERAGE, { lines }));
    expect(data.stockCoverage.map((entry: { location: { id: string } }) => entry.location.id)).toEqual(DEMO_LOCATIONS.map((location) => location.id).sort());
    for (const entry of data.stockCoverage as { location: { id: string }; shortVariantIds: string[] }[]) {
      const expectedShort = lines.filter((line) => onHandAt(line.variantId, entry.location.id) < line.quantity).map((line) => line.variantId);
      expect(entry.shortVariantIds).toEqual(expectedShort);
    }
  });

  it('follows reservations and treats unknown variants as short everywhere', async () => {
    const variant = variants[11]!;
    const store = DEMO_LOCATIONS.find((location) => location.kind === 'STORE' && onHandAt(variant.id, location.id) >= 2)!;
    const onHand = onHandAt(variant.id, store.id);
    const shortAt = async (quantity: number) => {
      const data = expectData(await asCart()(COVERAGE, { lines: [{ variantId: variant.id, quantity }, { variantId: 'var_00000000000000000000000000', quantity: 1 }] }));
      return data.stockCoverage.find((entry: { location: { id: string } }) => entry.location.id === store.id).shortVariantIds;
    };
    expect(await shortAt(onHand)).toEqual(['var_00000000000000000000000000']);
    const reserved = expectData(
      await asCart()(`mutation($input: ReserveInventoryInput!) { reserveInventory(input: $input) { reservation { id } userErrors { code } } }`, {
        input: { locationId: store.id, lines: [{ variantId: variant.id, quantity: 1 }], reference: 'cart_coverage', idempotencyKey: 'coverage-hold' },
      }),
    );
    expect(reserved.reserveInventory.userErrors).toEqual([]);
    expect(await shortAt(onHand)).toEqual([variant.id, 'var_00000000000000000000000000']);
    expect(await shortAt(onHand - 1)).toEqual(['var_00000000000000000000000000']);
  });

  it('refuses callers that are not services, zero quantities and empty or oversized requests', async () => {
    const line = { variantId: variants[0]!.id, quantity: 1 };
    const asStaff = catalog.as(callers.staff(DEMO_STAFF[0]!.id, DEMO_LOCATIONS[0]!.id));
    expect((await asStaff(COVERAGE, { lines: [line] })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const lines of [[], [{ ...line, quantity: 0 }], Array.from({ length: 251 }, () => line)]) {
      expect((await asCart()(COVERAGE, { lines })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('costs two SQL statements whatever the number of lines', async () => {
    const few = variants.slice(0, 1).map((variant) => ({ variantId: variant.id, quantity: 1 }));
    const many = variants.slice(0, 200).map((variant) => ({ variantId: variant.id, quantity: 1 }));
    const forFew = await catalog.statementsDuring(async () => expectData(await asCart()(COVERAGE, { lines: few })));
    const forMany = await catalog.statementsDuring(async () => expectData(await asCart()(COVERAGE, { lines: many })));
    expect(forFew).toBe(2);
    expect(forMany).toBe(2);
  });
});
