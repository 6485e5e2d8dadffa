import { newId } from '@omni/db';
import type { Channel } from '@omni/auth';
import type { CartDatabase } from '../src/db/database';
import { cartLines, carts } from '../src/db/schema';

/**
 * Writes a cart with `lineCount` lines straight to the database, totals included, for tests that
 * need many carts or lines without a catalog to price them.
 */
export async function insertCart(
  database: CartDatabase,
  options: { customerId?: string | null; channel?: Channel; lineCount?: number; unitPriceMinor?: number; quantity?: number } = {},
): Promise<{ id: string; lineIds: string[] }> {
  const lineCount = options.lineCount ?? 0;
  const unitPriceMinor = options.unitPriceMinor ?? 1990;
  const quantity = options.quantity ?? 1;
  const id = newId('cart');
  // Sorted: ids minted within one millisecond are not ordered, and lines are listed by id.
  const lineIds = Array.from({ length: lineCount }, () => newId('line')).sort();
  await database.db.insert(carts).values({
    id,
    customerId: options.customerId ?? null,
    channel: options.channel ?? 'WEB',
    currencyCode: 'EUR',
    lineCount,
    totalQuantity: lineCount * quantity,
    subtotalMinor: lineCount * quantity * unitPriceMinor,
  });
  if (lineCount > 0) {
    await database.db.insert(cartLines).values(
      lineIds.map((lineId, index) => ({
        id: lineId,
        cartId: id,
        variantId: `var_test_${index}`,
        quantity,
        unitPriceMinor,
        currencyCode: 'EUR',
        addedInChannel: options.channel ?? 'WEB',
      })),
    );
  }
  return { id, lineIds };
}

export const CART_FIELDS = /* GraphQL */ `
  id
  version
  status
  channel
  currencyCode
  totalQuantity
  subtotal { amount currencyCode }
  customer { id }
  lines(first: 100) { totalCount edges { node { id quantity variant { id } unitPrice { amount currencyCode } lineTotal { amount } } } }
`;

export interface CartView {
  id: string;
  version: number;
  status: string;
  channel: string;
  currencyCode: string;
  totalQuantity: number;
  subtotal: { amount: string; currencyCode: string };
  customer: { id: string } | null;
  lines: {
    totalCount: number;
    edges: { node: { id: string; quantity: number; variant: { id: string }; unitPrice: { amount: string; currencyCode: string }; lineTotal: { amount: string } } }[];
  };
}

export interface PayloadView {
  cart: CartView | null;
  userErrors: { code: string; field: string[] | null; message: string }[];
}

/**
 * The customer subgraph is not started in these tests: every customer id staff name counts as an
 * existing customer, except ids ending in `gone`. Checking ids against the real one is tested end
 * to end in apps/all-in-one.
 */
export const ANY_CUSTOMER_EXISTS = {
  customerUrl: 'http://127.0.0.1:9/',
  customers: { currentCustomerId: async (id: string) => (id.endsWith('gone') ? null : id) },
};
