import { sql } from 'drizzle-orm';
import type { Caller } from '@omni/auth';
import { newId } from '@omni/db';
import { DEMO_LOCATIONS, DEMO_STAFF, demoCatalog, demoLocation, type DemoVariant } from '@omni/demo-data';
import type { RunningServer } from '@omni/graphql';
import { createCatalogSubgraph, openCatalogDatabase, seedCatalogDemoData, type CatalogDatabase } from '@omni/subgraph-catalog';
import { callers, createTestDatabase, expectData, signedSubgraphClient, TEST_SIGNING_SECRET, type TestDatabase } from '@omni/testing';
import { openCartDatabase, type CartDatabase } from '../src/db/database';
import type { PaymentProviders } from '../src/payments/payment-providers';
import { createCartSubgraph } from '../src/server';
import { listPricing, type PricingPort } from '../src/services/pricing';
import type { PromotionUsagePort } from '../src/services/promotion-usage';
import type { LoyaltyPaymentPort } from '../src/services/loyalty-payments';
import type { CouponCheckPort } from '../src/services/coupon-check';
import { ANY_CUSTOMER_EXISTS } from './helpers';

/** A seeded catalog and a cart subgraph over real HTTP, with direct access to both databases for stock set-up. */
export interface CheckoutHarness {
  testDb: TestDatabase;
  cartDatabase: CartDatabase;
  catalogDatabase: CatalogDatabase;
  cartServer: RunningServer;
  catalogServer: RunningServer;
  as(caller: Caller): ReturnType<typeof signedSubgraphClient>;
  stop(): Promise<void>;
}

/**
 * Checkout mechanics are tested at list prices (`listPricing`): no promotions subgraph runs here.
 * `promotionsUrl` asks a promotions subgraph there instead (or a dead address, to see checkout refuse);
 * `pricing`, `promotionUsage`, `loyaltyPayments` and `couponCheck` put stand-ins in the ports.
 */
export async function startCheckoutHarness(
  options: { paymentProviders?: PaymentProviders; promotionsUrl?: string; pricing?: PricingPort; promotionUsage?: PromotionUsagePort; loyaltyPayments?: LoyaltyPaymentPort; couponCheck?: CouponCheckPort } = {},
): Promise<CheckoutHarness> {
  const testDb = await createTestDatabase({ maxConnections: 30 });
  const catalogDatabase = await openCatalogDatabase(testDb.client);
  await seedCatalogDemoData(catalogDatabase.db);
  const catalogServer = await createCatalogSubgraph({ database: catalogDatabase, signingSecret: TEST_SIGNING_SECRET }).listen(0);
  const cartDatabase = await openCartDatabase(testDb.client);
  const cartServer = await createCartSubgraph({
    database: cartDatabase,
    signingSecret: TEST_SIGNING_SECRET,
    catalogUrl: () => catalogServer.url,
    ...ANY_CUSTOMER_EXISTS,
    ...(options.promotionsUrl ? { promotionsUrl: options.promotionsUrl } : { pricing: options.pricing ?? listPricing }),
    ...(options.promotionUsage ? { promotionUsage: options.promotionUsage } : {}),
    ...(options.paymentProviders ? { paymentProviders: options.paymentProviders } : {}),
    ...(options.loyaltyPayments ? { loyaltyPayments: options.loyaltyPayments } : {}),
    ...(options.couponCheck ? { couponCheck: options.couponCheck } : {}),
  }).listen(0);
  return {
    testDb,
    cartDatabase,
    catalogDatabase,
    cartServer,
    catalogServer,
    as: (caller) => signedSubgraphClient(cartServer.url, TEST_SIGNING_SECRET, caller),
    async stop() {
      await cartServer.stop();
      await catalogServer.stop();
      await testDb.drop();
    },
  };
}

/** PGlite answers `{ rows }`, postgres.js an array of rows. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
}

export const BERLIN = demoLocation('berlin-mitte');
export const HAMBURG = demoLocation('hamburg-altona');
export const COLOGNE_NO_PICKUP = demoLocation('cologne-outlet');
export const WAREHOUSE = demoLocation('leipzig-warehouse');
export const CASHIER = DEMO_STAFF[0]!;

const { products } = demoCatalog();
let nextProduct = 0;
/** A demo variant no other test in the file touches, so stock assertions stay exact. */
export function freshVariant(): DemoVariant {
  const product = products[nextProduct++];
  if (!product) throw new Error('Out of demo products');
  return product.variants[0]!;
}

export async function setStock(h: CheckoutHarness, variantId: string, locationId: string, onHand: number): Promise<void> {
  await h.catalogDatabase.db.execute(sql`
    insert into catalog.inventory_levels (variant_id, location_id, on_hand, reserved, safety_stock)
    values (${variantId}, ${locationId}, ${onHand}, 0, 0)
    on conflict (variant_id, location_id) do update set on_hand = excluded.on_hand, reserved = 0, safety_stock = 0`);
}

/** Stock of a variant at exactly the locations given, none anywhere else. */
export async function setOnlyStock(h: CheckoutHarness, variantId: string, onHandByLocation: Record<string, number>): Promise<void> {
  for (const location of DEMO_LOCATIONS) await setStock(h, variantId, location.id, onHandByLocation[location.id] ?? 0);
}

export async function stockAt(h: CheckoutHarness, variantId: string, locationId: string): Promise<{ onHand: number; reserved: number }> {
  const [row] = rowsOf<{ on_hand: number; reserved: number }>(
    await h.catalogDatabase.db.execute(sql`select on_hand, reserved from catalog.inventory_levels where variant_id = ${variantId} and location_id = ${locationId}`),
  );
  return { onHand: Number(row?.on_hand ?? 0), reserved: Number(row?.reserved ?? 0) };
}

export async function setPrice(h: CheckoutHarness, variantId: string, priceMinor: number): Promise<void> {
  await h.catalogDatabase.db.execute(sql`update catalog.variants set price_minor = ${priceMinor}, compare_at_minor = null where id = ${variantId}`);
}

export const CHECKOUT = /* GraphQL */ `mutation($input: CheckoutInput!) { checkout(input: $input) {
  order {
    id channel cart { id } customer { id } creditedStaff { id }
    lines { id quantity variant { id } unitPrice { amount } discount { amount } paid { amount } addedInChannel addedByStaff { id } }
    subtotal { amount currencyCode } discountTotal { amount } shippingTotal { amount } total { amount currencyCode }
    fulfillment { method location { id } status readyBy shippingAddress { city } }
    payment { provider status captured { amount } refunded { amount } }
  }
  userErrors { code field message } } }`;

export interface OrderView {
  id: string;
  channel: string;
  cart: { id: string };
  customer: { id: string } | null;
  creditedStaff: { id: string } | null;
  lines: { id: string; quantity: number; variant: { id: string }; unitPrice: { amount: string }; paid: { amount: string }; addedInChannel: string; addedByStaff: { id: string } | null }[];
  subtotal: { amount: string; currencyCode: string };
  shippingTotal: { amount: string };
  total: { amount: string; currencyCode: string };
  fulfillment: { method: string; location: { id: string }; status: string; readyBy: string | null; shippingAddress: { city: string } | null };
  payment: { provider: string; status: string; captured: { amount: string }; refunded: { amount: string } };
}
export interface CheckoutView {
  order: OrderView | null;
  userErrors: { code: string; field: string[] | null; message: string }[];
}

export const ADDRESS = { name: 'Anna Schmidt', line1: 'Torstr. 1', postalCode: '10119', city: 'Berlin', countryCode: 'DE' };

/** A customer with a cart holding `quantity` of the variant, added on the web. */
export async function customerWithCart(h: CheckoutHarness, variantId: string, quantity: number, channel: Caller['channel'] = 'WEB') {
  const customerId = newId('cus');
  const client = h.as(callers.customer(customerId, channel));
  const created = expectData(await client(`mutation { createCart(input: {}) { cart { id } } }`));
  const cartId = created.createCart.cart.id as string;
  const added = expectData(
    await client(`mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { version } userErrors { code } } }`, {
      input: { cartId, lines: [{ variantId, quantity }] },
    }),
  );
  if (added.addCartLines.userErrors.length > 0) throw new Error(`Could not fill the cart: ${JSON.stringify(added.addCartLines.userErrors)}`);
  return { customerId, cartId, client, version: added.addCartLines.cart.version as number };
}

export async function checkoutAs(client: ReturnType<typeof signedSubgraphClient>, input: Record<string, unknown>): Promise<CheckoutView> {
  return expectData(await client(CHECKOUT, { input })).checkout as CheckoutView;
}
