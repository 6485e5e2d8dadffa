import { TEST_TOKEN_SECRET } from '@omni/testing';
import { demoCatalog, DEMO_LOCATIONS } from '@omni/demo-data';
import { mintDemoToken } from '../src/demo-tokens';

/** Uploads one offline queue of this many operations, as a till would after a day offline. */
const QUEUED_OPERATIONS = 1000;
const RUNS = 5;

const SYNC = `mutation($input: SyncCartInput!) { syncCart(input: $input) { cart { version totalQuantity } results { status } userErrors { code message } } }`;

/**
 * `syncCart` with 1,000 queued operations (adds and quantity changes over 20 variants) on a fresh
 * till cart through the gateway, RUNS times: the time until the merged cart is back.
 */
export async function runOfflineSyncBench(gatewayUrl: string) {
  const token = await mintDemoToken(TEST_TOKEN_SECRET, 'staff', 'berlin-cashier');
  const request = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (body.errors?.length || !body.data) throw new Error(`offline sync bench failed: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  const berlin = DEMO_LOCATIONS.find((location) => location.key === 'berlin-mitte')!.id;
  const { products, stock } = demoCatalog();
  const stocked = new Set(stock.filter((level) => level.locationId === berlin && level.onHand > 0).map((level) => level.variantId));
  const variants = products.filter((product) => product.channels.includes('POS')).map((product) => product.variants[0]!).filter((variant) => stocked.has(variant.id)).slice(0, 20);
  const timings: number[] = [];
  let statuses: Record<string, number> = {};
  for (let run = 0; run < RUNS; run++) {
    // A walk-in cart per run: the till's own cart, fresh every time.
    const created = await request<{ createCart: { cart: { id: string } } }>(`mutation { createCart(input: { channel: POS }) { cart { id } } }`);
    const cartId = created.createCart.cart.id;
    const start = Date.now() - 3_600_000;
    const operations = Array.from({ length: QUEUED_OPERATIONS }, (_, index) => ({
      opId: `bench-${run}-${index}`,
      deviceTime: new Date(start + index * 1000).toISOString(),
      kind: index % 3 === 2 ? 'SET_QUANTITY' : 'ADD_LINE',
      variantId: variants[index % variants.length]!.id,
      quantity: (index % 3) + 1,
    }));
    const started = performance.now();
    const answer = await request<{ syncCart: { results: { status: string }[]; userErrors: unknown[] } }>(SYNC, { input: { cartId, deviceId: `bench-till-${run}`, baseVersion: 1, operations } });
    timings.push(performance.now() - started);
    if (answer.syncCart.userErrors.length > 0) throw new Error(`offline sync bench refused: ${JSON.stringify(answer.syncCart.userErrors)}`);
    statuses = answer.syncCart.results.reduce<Record<string, number>>((counts, result) => ({ ...counts, [result.status]: (counts[result.status] ?? 0) + 1 }), {});
  }
  timings.sort((a, b) => a - b);
  return [
    {
      scenario: `offline sync: ${QUEUED_OPERATIONS} queued operations`,
      runs: RUNS,
      'p50 ms': Math.round(timings[Math.floor(RUNS / 2)]!),
      'max ms': Math.round(timings[RUNS - 1]!),
      results: Object.entries(statuses).map(([status, count]) => `${status} ${count}`).join(', '),
    },
  ];
}
