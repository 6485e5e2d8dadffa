import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { DEMO_LOCATIONS, demoCatalog } from '@omni/demo-data';
import { expectData } from '@omni/testing';
import { inventoryAdjustments, inventoryLevels } from '../src/db/schema';
import { callers, startCatalog, type CatalogHarness } from './harness';

let catalog: CatalogHarness;
const { products } = demoCatalog();
const hamburg = DEMO_LOCATIONS[1]!;

beforeAll(async () => {
  catalog = await startCatalog();
});

afterAll(async () => {
  await catalog?.stop();
});

const RESTOCK = `mutation($input: RestockReturnedInventoryInput!) { restockReturnedInventory(input: $input) {
  stockLevel { location { id } } adjustment { delta reason } userErrors { code field message } } }`;

async function onHandAt(variantId: string, locationId: string): Promise<number> {
  const [level] = await catalog.database.db
    .select()
    .from(inventoryLevels)
    .where(and(eq(inventoryLevels.variantId, variantId), eq(inventoryLevels.locationId, locationId)));
  return level?.onHand ?? 0;
}

describe('restockReturnedInventory', () => {
  it('puts returned units back where they were handed in, once per key, credited to the staff member', async () => {
    const variantId = products[40]!.variants[0]!.id;
    const before = await onHandAt(variantId, hamburg.id);
    const input = { variantId, locationId: hamburg.id, quantity: 2, staffId: 'staff_returns', note: 'ord_1 / ret_1', idempotencyKey: 'return:ret_1:oline_1' };
    const asCart = catalog.as(callers.service('cart'), 'cart');

    const first = expectData(await asCart(RESTOCK, { input })).restockReturnedInventory;
    expect(first).toMatchObject({ userErrors: [], stockLevel: { location: { id: hamburg.id } }, adjustment: { delta: 2, reason: 'RETURNED' } });
    expect(expectData(await asCart(RESTOCK, { input })).restockReturnedInventory).toMatchObject({ adjustment: { delta: 2 } });
    expect(await onHandAt(variantId, hamburg.id)).toBe(before + 2);
    const [adjustment] = await catalog.database.db.select().from(inventoryAdjustments).where(eq(inventoryAdjustments.idempotencyKey, input.idempotencyKey));
    expect(adjustment).toMatchObject({ staffId: 'staff_returns', reason: 'RETURNED', note: 'ord_1 / ret_1' });

    const reused = expectData(await asCart(RESTOCK, { input: { ...input, quantity: 3 } })).restockReturnedInventory;
    expect(reused.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' })]);
  });

  it('is internal: staff and admins calling it through the gateway are refused', async () => {
    const input = { variantId: products[41]!.variants[0]!.id, locationId: hamburg.id, quantity: 1, idempotencyKey: 'return:x' };
    for (const caller of [callers.staff('staff_1', hamburg.id), callers.admin()]) {
      const response = await catalog.as(caller)(RESTOCK, { input });
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
