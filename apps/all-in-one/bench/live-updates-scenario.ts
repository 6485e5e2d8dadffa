import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { mintAccessToken } from '@omni/auth';
import { DEMO_LOCATIONS, demoCatalog } from '@omni/demo-data';
import { TEST_TOKEN_SECRET } from '@omni/testing';
import { mintDemoToken } from '../src/demo-tokens';

/** Changes timed per transport. */
const CHANGES = 50;

const CART_SELECTION = `id version lines(first: 50) { edges { node { id quantity variant { id sku product { id title } } } } } discounts { title amount { amount } } subtotal { amount currencyCode } total { amount currencyCode }`;

type Sink = { next(value: unknown): void; error(error: unknown): void; complete(): void };
type Subscribe = (request: { query: string; variables: Record<string, unknown> }, sink: Sink) => () => void;

const percentile = (sorted: readonly number[], fraction: number) => sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;

/**
 * Live updates: a Berlin till changes a customer's cart CHANGES times, one change at a time, while
 * the customer's other device follows the cart (`cartUpdated`, the full federated selection) over
 * WebSocket and over SSE; the time from the till's committed change (its mutation answered) to the
 * push arriving, p50 and p95 per transport.
 */
export async function runLiveUpdatesBench(gatewayUrl: string) {
  const till = await mintDemoToken(TEST_TOKEN_SECRET, 'staff', 'berlin-cashier');
  const request = async <T>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (body.errors?.length || !body.data) throw new Error(`live updates bench failed: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  const berlin = DEMO_LOCATIONS.find((location) => location.key === 'berlin-mitte')!.id;
  const { products, stock } = demoCatalog();
  const variantId = products
    .filter((product) => product.channels.includes('POS'))
    .map((product) => product.variants[0]!.id)
    .find((id) => (stock.find((level) => level.variantId === id && level.locationId === berlin)?.onHand ?? 0) >= 10)!;
  const rows = [];
  for (const transport of ['WebSocket', 'SSE'] as const) {
    const admin = await mintDemoToken(TEST_TOKEN_SECRET, 'admin');
    const identified = await request<{ identifyCustomer: { customer: { id: string } } }>(admin, `mutation($input: IdentifyCustomerInput!) { identifyCustomer(input: $input) { customer { id } } }`, {
      input: { identifiers: [{ kind: 'EMAIL', value: `bench-live-${transport}-${Date.now()}@example.com`, verified: true }], firstName: 'Bench' },
    });
    const customerId = identified.identifyCustomer.customer.id;
    const customer = await mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: customerId, channel: 'WEB' });
    const created = await request<{ createCart: { cart: { id: string } } }>(till, `mutation($input: CreateCartInput!) { createCart(input: $input) { cart { id } } }`, { input: { customerId } });
    const cartId = created.createCart.cart.id;
    const added = await request<{ addCartLines: { cart: { lines: { edges: { node: { id: string } }[] } } } }>(
      till,
      `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { lines(first: 1) { edges { node { id } } } } } }`,
      { input: { cartId, lines: [{ variantId, quantity: 1 }] } },
    );
    const lineId = added.addCartLines.cart.lines.edges[0]!.node.id;

    const arrivals = new Map<number, number>();
    const waiting = new Map<number, () => void>();
    const subscribe: Subscribe =
      transport === 'WebSocket'
        ? (() => {
            const client = createWsClient({ url: gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${customer}` }, retryAttempts: 0 });
            return (body, sink) => client.subscribe(body, sink as never);
          })()
        : (() => {
            const client = createSseClient({ url: new URL('graphql/stream', gatewayUrl).toString(), headers: { authorization: `Bearer ${customer}` }, retryAttempts: 0 });
            return (body, sink) => client.subscribe(body, sink as never);
          })();
    let failure: unknown = null;
    const stop = subscribe(
      { query: `subscription($cartId: ID!) { cartUpdated(cartId: $cartId) { ${CART_SELECTION} } }`, variables: { cartId } },
      {
        next(value) {
          const version = (value as { data?: { cartUpdated?: { version: number } } }).data?.cartUpdated?.version;
          if (version === undefined) failure = value;
          else {
            arrivals.set(version, performance.now());
            waiting.get(version)?.();
          }
        },
        error: (error) => (failure = error),
        complete: () => {},
      },
    );
    const pushOf = (version: number) =>
      arrivals.has(version)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no push of version ${version}: ${JSON.stringify(failure)}`)), 10_000);
            waiting.set(version, () => (clearTimeout(timer), resolve()));
          });
    const latencies: number[] = [];
    for (let change = 0; change < CHANGES; change++) {
      const updated = await request<{ updateCartLines: { cart: { version: number } } }>(
        till,
        `mutation($input: UpdateCartLinesInput!) { updateCartLines(input: $input) { cart { version } } }`,
        { input: { cartId, lines: [{ lineId, quantity: (change % 5) + 2 }] } },
      );
      const committed = performance.now();
      const version = updated.updateCartLines.cart.version;
      await pushOf(version);
      latencies.push(Math.max(0, arrivals.get(version)! - committed));
    }
    stop();
    latencies.sort((a, b) => a - b);
    rows.push({ scenario: `live cart update over ${transport}`, changes: CHANGES, 'p50 ms': percentile(latencies, 0.5).toFixed(1), 'p95 ms': percentile(latencies, 0.95).toFixed(1), 'max ms': latencies.at(-1)!.toFixed(1) });
  }
  return rows;
}
