import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@omni/db';
import { demoCatalog } from '@omni/demo-data';
import { callers, expectData } from '@omni/testing';
import { ADDRESS, checkoutAs, setStock, startCheckoutHarness, WAREHOUSE, type CheckoutHarness } from './checkout-helpers';

let h: CheckoutHarness;

beforeAll(async () => {
  h = await startCheckoutHarness();
});

afterAll(async () => {
  await h?.stop();
});

/** Web products, one variant each, none shared with another cart of this file. */
const WEB_VARIANTS = demoCatalog()
  .products.filter((product) => product.channels.includes('WEB'))
  .map((product) => product.variants[0]!.id);

/** A customer's web cart holding one unit of each variant, stocked at the warehouse. */
async function cartOf(variantIds: readonly string[]) {
  for (const variantId of variantIds) await setStock(h, variantId, WAREHOUSE.id, 50);
  const client = h.as(callers.customer(newId('cus'), 'WEB'));
  const cartId = expectData(await client(`mutation { createCart(input: {}) { cart { id } } }`)).createCart.cart.id as string;
  const added = expectData(
    await client(`mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code } } }`, {
      input: { cartId, lines: variantIds.map((variantId) => ({ variantId, quantity: 1 })) },
    }),
  );
  expect(added.addCartLines.userErrors).toEqual([]);
  return { client, cartId };
}

describe('checkout cost', () => {
  it('sends the same SQL statements, in the cart and in the catalog, for a cart of 1 line and of 10', async () => {
    const costs: { cart: number; catalog: number }[] = [];
    for (const [index, size] of [1, 10].entries()) {
      const { client, cartId } = await cartOf(WEB_VARIANTS.slice(index * 10, index * 10 + size));
      const before = { cart: h.cartDatabase.statements.total, catalog: h.catalogDatabase.statements.total };
      const placed = await checkoutAs(client, {
        cartId,
        idempotencyKey: `cost-${size}`,
        fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE.id, shippingAddress: ADDRESS },
        payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' },
      });
      expect(placed.userErrors).toEqual([]);
      expect(placed.order!.lines).toHaveLength(size);
      costs.push({ cart: h.cartDatabase.statements.total - before.cart, catalog: h.catalogDatabase.statements.total - before.catalog });
    }
    expect(costs[1]).toEqual(costs[0]);
  });
});
