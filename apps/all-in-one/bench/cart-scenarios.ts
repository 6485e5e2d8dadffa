import { DEMO_LOCATIONS, demoCatalog } from '@omni/demo-data';
import { TEST_TOKEN_SECRET } from '@omni/testing';
import { mintDemoToken } from '../src/demo-tokens';

/**
 * Paths of the cart through the gateway: add-to-cart on distinct carts and on one shared cart,
 * the fulfillment options of a cart, and checkout. Each worker sends its requests one after another; latency is per request,
 * SQL statements are counted for one request in isolation first (when the target can count them). After the shared-cart run the
 * cart is read back: every accepted add must be in it (no lost update).
 */
export const WAREHOUSE = DEMO_LOCATIONS.find((location) => location.kind === 'WAREHOUSE')!.id;
const { products, stock } = demoCatalog();
/** Variants sold on the web that the warehouse stocks well, so runs of a few seconds do not sell out. */
const VARIANTS = products
  .filter((product) => product.channels.includes('WEB'))
  .map((product) => product.variants[0]!)
  .filter((variant) => (stock.find((level) => level.variantId === variant.id && level.locationId === WAREHOUSE)?.onHand ?? 0) >= 50)
  .map((variant) => variant.id);

const CART_FIELDS = 'id version totalQuantity';
export const CREATE_CART = `mutation { createCart(input: {}) { cart { ${CART_FIELDS} } userErrors { code message } } }`;
export const ADD = `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { ${CART_FIELDS} } userErrors { code message } } }`;
export const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { order { id total { amount } } userErrors { code message } } }`;
const OPTIONS = `query($id: ID!) { cart(id: $id) {
  shippingOptions(countryCode: "DE") { rate price { amount } estimatedDeliveryAt location { name } }
  pickupOptions { store { name } source { name } transfer readyBy }
} }`;
export const ADDRESS = { name: 'Bench Shopper', line1: 'Torstr. 1', postalCode: '10119', city: 'Berlin', countryCode: 'DE' };

export interface CartBenchTarget {
  gatewayUrl: string;
  /** Absent when the services run in other processes: statements per request are then `n/a`. */
  totalStatements?: () => number;
  settle(): Promise<void>;
}

interface Client {
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

async function guestClient(gatewayUrl: string, guestKey: string): Promise<Client> {
  const token = await mintDemoToken(TEST_TOKEN_SECRET, 'guest', guestKey);
  return {
    async request<T>(query: string, variables: Record<string, unknown> = {}) {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: unknown[] };
      if (body.errors?.length || !body.data) throw new Error(`request failed: ${JSON.stringify(body.errors)}`);
      return body.data;
    },
  };
}

type Payload = { userErrors: { code: string; message: string }[] };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1));
}

/** Runs `workers` loops for `seconds`; each loop prepares (untimed) and sends one timed request. */
async function load(workers: number, seconds: number, step: (worker: number, iteration: number) => Promise<{ timeMs: number; ok: boolean }>) {
  const latencies: number[] = [];
  let failures = 0;
  const deadline = Date.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let iteration = 0; Date.now() < deadline; iteration += 1) {
        const result = await step(worker, iteration);
        latencies.push(result.timeMs);
        if (!result.ok) failures += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, failures, rps: Math.round(latencies.length / elapsed), p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function timed<T extends Payload>(send: () => Promise<T>): Promise<{ timeMs: number; ok: boolean; payload: T }> {
  const start = performance.now();
  const payload = await send();
  return { timeMs: performance.now() - start, ok: payload.userErrors.length === 0, payload };
}

export async function runCartBench(target: CartBenchTarget, options: { seconds: number; connections: readonly number[]; only?: string }) {
  const rows: Record<string, unknown>[] = [];
  let run = 0;
  const variantFor = (worker: number, iteration: number) => VARIANTS[(worker * 7 + iteration) % VARIANTS.length]!;

  /** SQL statements of one request, sent alone once the system is quiet. */
  async function statementsOf(send: () => Promise<unknown>): Promise<number | 'n/a'> {
    await target.settle();
    const count = target.totalStatements;
    const before = count?.();
    await send();
    return count && before !== undefined ? count() - before : 'n/a';
  }

  const scenarios: { name: string; measure: (connections: number) => Promise<Record<string, unknown>> }[] = [
    {
      name: 'cart: add-to-cart, distinct carts',
      measure: async (connections) => {
        run += 1;
        const clients = await Promise.all(Array.from({ length: connections }, (_, worker) => guestClient(target.gatewayUrl, `bench-add-${run}-${worker}`)));
        const carts = await Promise.all(clients.map(async (client) => (await client.request<{ createCart: { cart: { id: string } } }>(CREATE_CART)).createCart.cart.id));
        const add = (worker: number, iteration: number) => () =>
          clients[worker]!.request<{ addCartLines: Payload }>(ADD, { input: { cartId: carts[worker], lines: [{ variantId: variantFor(worker, iteration), quantity: 1 }] } }).then((data) => data.addCartLines);
        const sql = await statementsOf(add(0, 999_999));
        const result = await load(connections, options.seconds, (worker, iteration) => timed(add(worker, iteration)));
        return { ...result, 'SQL/request': sql, 'lost updates': 'n/a' };
      },
    },
    {
      name: 'cart: add-to-cart, one shared cart',
      measure: async (connections) => {
        run += 1;
        const client = await guestClient(target.gatewayUrl, `bench-shared-${run}`);
        const cart = (await client.request<{ createCart: { cart: { id: string; version: number } } }>(CREATE_CART)).createCart.cart;
        let accepted = 0;
        const add = (worker: number, iteration: number) => () =>
          client.request<{ addCartLines: Payload }>(ADD, { input: { cartId: cart.id, lines: [{ variantId: variantFor(worker, iteration), quantity: 1 }] } }).then((data) => data.addCartLines);
        const sql = await statementsOf(async () => {
          const payload = await add(0, 999_999)();
          if (payload.userErrors.length === 0) accepted += 1;
        });
        const result = await load(connections, options.seconds, async (worker, iteration) => {
          const outcome = await timed(add(worker, iteration));
          if (outcome.ok) accepted += 1;
          return outcome;
        });
        const after = (await client.request<{ cart: { version: number; totalQuantity: number } }>(`query($id: ID!) { cart(id: $id) { version totalQuantity } }`, { id: cart.id })).cart;
        // Each accepted add put one unit in and moved the version by one: anything missing was lost.
        const lost = Math.abs(accepted - after.totalQuantity) + Math.abs(cart.version + accepted - after.version);
        return { ...result, 'SQL/request': sql, 'lost updates': lost };
      },
    },
    {
      name: 'cart: shipping and pickup options, 3-line carts',
      measure: async (connections) => {
        run += 1;
        const clients = await Promise.all(Array.from({ length: connections }, (_, worker) => guestClient(target.gatewayUrl, `bench-options-${run}-${worker}`)));
        const carts = await Promise.all(
          clients.map(async (client, worker) => {
            const cartId = (await client.request<{ createCart: { cart: { id: string } } }>(CREATE_CART)).createCart.cart.id;
            const lines = [0, 1, 2].map((offset) => ({ variantId: variantFor(worker, offset), quantity: 1 }));
            await client.request(ADD, { input: { cartId, lines } });
            return cartId;
          }),
        );
        const ask = (worker: number) => () =>
          clients[worker]!.request<{ cart: { shippingOptions: unknown[] } }>(OPTIONS, { id: carts[worker] }).then((data) => ({
            userErrors: data.cart.shippingOptions.length > 0 ? [] : [{ code: 'EMPTY', message: 'no shipping option' }],
          }));
        const sql = await statementsOf(ask(0));
        const result = await load(connections, options.seconds, (worker) => timed(ask(worker)));
        return { ...result, 'SQL/request': sql, 'lost updates': 'n/a' };
      },
    },
    {
      name: 'cart: checkout (delivery, test card), distinct carts',
      measure: async (connections) => {
        run += 1;
        // A guest's cart closes at checkout; the next createCart opens a new one for the next round.
        const clients = await Promise.all(Array.from({ length: connections }, (_, worker) => guestClient(target.gatewayUrl, `bench-checkout-${run}-${worker}`)));
        const fill = async (worker: number, iteration: number) => {
          const client = clients[worker]!;
          const cartId = (await client.request<{ createCart: { cart: { id: string } } }>(CREATE_CART)).createCart.cart.id;
          await client.request(ADD, { input: { cartId, lines: [{ variantId: variantFor(worker, iteration), quantity: 1 }] } });
          return cartId;
        };
        const checkout = (worker: number, cartId: string) => () =>
          clients[worker]!.request<{ checkout: Payload }>(CHECKOUT, {
            input: { cartId, idempotencyKey: `bench-${cartId}`, fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE, shippingAddress: ADDRESS }, payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' } },
          }).then((data) => data.checkout);
        const probeCart = await fill(0, 999_999);
        const sql = await statementsOf(checkout(0, probeCart));
        const result = await load(connections, options.seconds, async (worker, iteration) => timed(checkout(worker, await fill(worker, iteration))));
        return { ...result, 'SQL/request': sql, 'lost updates': 'n/a' };
      },
    },
  ];

  for (const scenario of scenarios.filter((candidate) => !options.only || candidate.name.includes(options.only))) {
    for (const connections of options.connections) {
      const measured = await scenario.measure(connections);
      rows.push({
        scenario: scenario.name,
        connections,
        'req/s': measured.rps,
        'p50 ms': measured.p50,
        'p99 ms': measured.p99,
        'SQL/request': measured['SQL/request'],
        'user errors': measured.failures,
        'lost updates': measured['lost updates'],
      });
    }
  }
  return rows;
}
