import { mintAccessToken, type AccessTokenClaims } from '@omni/auth';
import { DEMO_CUSTOMERS, DEMO_LOCATIONS } from '@omni/demo-data';
import { ADD, ADDRESS, CHECKOUT, CREATE_CART, WAREHOUSE } from '../cart-scenarios';
import { listingPage, SCENARIOS } from '../scenarios';
import type { CompareTarget, GatewayName } from './compare-target';
import { dataThrough, sendThrough, type GraphQLAnswer } from './gateway-client';
import { loadRead, loadSteps, type RoundResult } from './load';
import { benchCaller, type BenchCaller } from './peer-callers';
import { vendureOperations, type VendureOperation } from './vendure';

const BERLIN = DEMO_LOCATIONS[0]!.id;
const TOKEN_LIFETIME = '4h';
/** Variants the add-to-cart rounds cycle through: per connection, and on the one shared cart. */
const VARIANTS_PER_CONNECTION = 8;
const VARIANTS_ON_SHARED_CART = 24;
/** The warehouse stock a variant needs to be bought or added in bulk without running out. */
const PLENTY = 100;

const PRODUCT_BY_SLUG = /* GraphQL */ `query($slug: String!, $store: ID!) {
  product(slug: $slug) {
    id title slug description vendor imageUrls category { name }
    priceRange { min { amount currencyCode } max { amount } }
    variants { sku title price { amount currencyCode } compareAtPrice { amount } availability(locationId: $store) { available } }
  }
}`;
const CUSTOMER_360 = SCENARIOS.find((scenario) => scenario.name.startsWith('customer 360'))!.query;
const STOCKED_VARIANTS = /* GraphQL */ `query($warehouse: ID!) {
  products(first: 100, sort: NEWEST) { edges { node { slug variants { id availability(locationId: $warehouse) { available } } } } }
}`;

export type Traffic = 'shared' | 'per-user';

/** One operation as the comparison loads it through each gateway. */
export interface CompareOperation {
  name: string;
  traffic: Traffic;
  /** Runs once before anything else, when the operation is measured at all. */
  prepare?(): Promise<void>;
  /** The answer of one request (ids of records it creates masked), compared across the gateways. */
  sample(gateway: GatewayName, url: string): Promise<unknown>;
  /** Prepares one round untimed (callers, fresh carts) and returns the timed load itself. */
  prepareRound(gateway: GatewayName, url: string, round: number): Promise<() => Promise<RoundResult>>;
  /** Vendure's equivalent, when it is measured and has one (customer 360 has none). */
  vendure?: VendureOperation;
}

/**
 * The six operations of the comparison, each with shared traffic (every connection the same
 * caller, the same query) and per-user traffic (a caller of its own per connection), except
 * checkout, which only exists per user: a cart closes when it is checked out.
 *
 * Reads: the shared caller is a guest (a signed-in customer, Anna, for customer 360); per-user
 * callers are customers created for the bench, each with a two-line cart. Writes run as guests,
 * each round on fresh carts: add-to-cart on a cart of each connection's own or on one cart all
 * connections share; checkout creates a cart, adds a line and checks out (three requests, timed
 * as one flow). With `vendure` among the gateways, each operation that has an equivalent in
 * Vendure's Shop API carries it (vendure.ts).
 */
export async function compareOperations(target: CompareTarget, options: { connections: number; seconds: number }): Promise<CompareOperation[]> {
  const tokenOf = (claims: AccessTokenClaims) => mintAccessToken(target.tokenSecret, claims, { expiresIn: TOKEN_LIFETIME });
  const callerOf = async (claims: AccessTokenClaims) => benchCaller(await tokenOf(claims), target.tokenSecret, target.signingSecret);
  const guest = (key: string) => callerOf({ role: 'guest', sub: `guest_${key}`, channel: 'WEB' });
  const ours = target.urls.ours;
  const vendure = target.vendure && vendureOperations(target.vendure, options);

  const anonymous = await guest('bench-anonymous');
  const anna = await callerOf({ role: 'customer', sub: DEMO_CUSTOMERS.find((customer) => customer.key === 'anna')!.id, channel: 'WEB' });
  const customers = await Promise.all(target.customerIds.map((id) => callerOf({ role: 'customer', sub: id, channel: 'WEB' })));

  // Generated products with plenty in the warehouse: what the carts and checkouts buy.
  const stocked = await dataThrough<{ products: { edges: { node: { slug: string; variants: { id: string; availability: { available: number } | null }[] } }[] } }>(
    'ours',
    ours,
    anonymous,
    STOCKED_VARIANTS,
    { warehouse: WAREHOUSE },
  );
  const variants = stocked.products.edges.flatMap((edge) => edge.node.variants.filter((variant) => (variant.availability?.available ?? 0) >= PLENTY).map((variant) => variant.id));
  if (variants.length < VARIANTS_ON_SHARED_CART + VARIANTS_PER_CONNECTION * options.connections) {
    throw new Error(`only ${variants.length} generated variants have ${PLENTY} in the warehouse; the comparison needs more`);
  }
  const slug = stocked.products.edges[0]!.node.slug;

  // Each per-user customer gets a cart with two lines, so customer 360 reads a cart.
  const fillCustomerCarts = async () => {
    for (const [index, customer] of customers.entries()) {
      const cartId = (await dataThrough<{ createCart: { cart: { id: string } } }>('ours', ours, customer, CREATE_CART)).createCart.cart.id;
      const lines = [0, 1].map((offset) => ({ variantId: variants[(index * 2 + offset) % variants.length], quantity: 1 }));
      await dataThrough('ours', ours, customer, ADD, { input: { cartId, lines } });
    }
  };

  const read = (name: string, traffic: Traffic, callers: BenchCaller[], query: string, variables: Record<string, unknown>, inVendure?: VendureOperation): CompareOperation => ({
    name,
    traffic,
    vendure: inVendure,
    sample: async (gateway, url) => sendThrough(gateway, url, callers[0]!, query, variables),
    prepareRound: async (gateway, url) => () => loadRead({ gateway, url, callers, query, variables, connections: options.connections, seconds: options.seconds }),
  });
  const reads: [string, string, Record<string, unknown>, ((traffic: Traffic) => VendureOperation) | undefined][] = [
    ['listing, 24 products + variants, price, stock', listingPage(24), { store: BERLIN }, vendure?.listing],
    ['search "sweater", 24 per page', listingPage(24, ', filter: { search: "sweater" }'), { store: BERLIN }, vendure?.search],
    ['product by slug', PRODUCT_BY_SLUG, { slug, store: BERLIN }, vendure?.productBySlug],
  ];

  const addLine = (gateway: GatewayName, url: string, caller: BenchCaller, cartId: string, variantId: string) =>
    sendThrough<{ addCartLines: { userErrors: unknown[] } }>(gateway, url, caller, ADD, { input: { cartId, lines: [{ variantId, quantity: 1 }] } });
  const succeeded = (answer: GraphQLAnswer<object>, field: string) =>
    !answer.errors?.length && (((answer.data as Record<string, { userErrors?: unknown[] } | undefined> | undefined)?.[field])?.userErrors?.length ?? 1) === 0;
  const newCart = async (gateway: GatewayName, url: string, caller: BenchCaller) =>
    (await dataThrough<{ createCart: { cart: { id: string } } }>(gateway, url, caller, CREATE_CART)).createCart.cart.id;
  let checkouts = 0;
  const checkoutFlow = async (gateway: GatewayName, url: string, caller: BenchCaller, variantId: string) => {
    const cartId = await newCart(gateway, url, caller);
    if (!succeeded(await addLine(gateway, url, caller, cartId, variantId), 'addCartLines')) return undefined;
    return sendThrough(gateway, url, caller, CHECKOUT, {
      input: { cartId, idempotencyKey: `bench-${cartId}`, fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE, shippingAddress: ADDRESS }, payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' } },
    });
  };

  const addToCart = (traffic: Traffic): CompareOperation => ({
    name: 'add-to-cart',
    traffic,
    vendure: vendure?.addToCart(traffic),
    async sample(gateway, url) {
      const caller = await guest(`bench-sample-add-${traffic}-${gateway}`);
      return masked(await addLine(gateway, url, caller, await newCart(gateway, url, caller), variants[0]!));
    },
    async prepareRound(gateway, url, round) {
      const workers = Array.from({ length: options.connections }, (_, worker) => worker);
      const callers = await Promise.all(workers.map((worker) => guest(`bench-add-${traffic}-${gateway}-${round}-${traffic === 'shared' ? 0 : worker}`)));
      const carts = traffic === 'shared' ? Array(options.connections).fill(await newCart(gateway, url, callers[0]!)) : await Promise.all(callers.map((caller) => newCart(gateway, url, caller)));
      const variantOf = (worker: number, iteration: number) =>
        traffic === 'shared'
          ? variants[(worker + iteration) % VARIANTS_ON_SHARED_CART]!
          : variants[VARIANTS_ON_SHARED_CART + worker * VARIANTS_PER_CONNECTION + (iteration % VARIANTS_PER_CONNECTION)]!;
      return () =>
        loadSteps(options.connections, options.seconds, async (worker, iteration) =>
          succeeded(await addLine(gateway, url, callers[worker]!, carts[worker] as string, variantOf(worker, iteration)), 'addCartLines'),
        );
    },
  });

  return [
    ...reads.map(([name, query, variables, inVendure]) => read(name, 'shared', [anonymous], query, variables, inVendure?.('shared'))),
    read('customer 360 (5 subgraphs)', 'shared', [anna], CUSTOMER_360, {}),
    ...reads.map(([name, query, variables, inVendure]) => read(name, 'per-user', customers, query, variables, inVendure?.('per-user'))),
    { ...read('customer 360 (5 subgraphs)', 'per-user', customers, CUSTOMER_360, {}), prepare: fillCustomerCarts },
    addToCart('shared'),
    addToCart('per-user'),
    {
      name: 'checkout (create cart, add, check out)',
      traffic: 'per-user',
      vendure: vendure?.checkout,
      async sample(gateway, url) {
        return masked(await checkoutFlow(gateway, url, await guest(`bench-sample-checkout-${gateway}`), variants[1]!));
      },
      async prepareRound(gateway, url, round) {
        const callers = await Promise.all(Array.from({ length: options.connections }, (_, worker) => guest(`bench-checkout-${gateway}-${round}-${worker}`)));
        return () =>
          loadSteps(options.connections, options.seconds, async (worker) => {
            const answer = await checkoutFlow(gateway, url, callers[worker]!, variants[checkouts++ % variants.length]!);
            return answer !== undefined && succeeded(answer, 'checkout');
          });
      },
    },
  ];
}

/** The answer with the ids of the records it created (cart, order) replaced, so runs compare. */
function masked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(masked);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, key === 'id' ? '<created id>' : masked(inner)]));
}
