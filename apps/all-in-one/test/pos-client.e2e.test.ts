import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintAccessToken } from '@omni/auth';
import { DEMO_LOCATIONS, demoCatalog, demoStaffMember, seededRandom } from '@omni/demo-data';
import { createFetchTransport, createMemoryStore, OfflineSales, PosCart, RetryableError, type CartState, type GraphQLTransport } from '@omni/pos-client';
import { expectData, gatewayClient, TEST_TOKEN_SECRET } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/**
 * The POS client library against the real supergraph: two Berlin tills and the customer's web shop
 * edit one cart while the tills' network drops and comes back at random (seeded, reproducible),
 * requests and answers get lost, and uploads race. Afterwards every device holds the same cart and
 * every change counts exactly once.
 */
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
}, 120_000);

afterAll(async () => {
  await supergraph?.close();
});

const SEED = 20261128;
const BERLIN = DEMO_LOCATIONS.find((location) => location.key === 'berlin-mitte')!.id;
const cashier = demoStaffMember('berlin-cashier');
const { products, stock } = demoCatalog();
const totalStock = (variantId: string) => stock.filter((level) => level.variantId === variantId).reduce((sum, level) => sum + level.onHand, 0);
// Variants sold everywhere with stock to spare, so no add is capped and every unit can be counted.
const [ADDED_A, ADDED_B, SET_C] = products
  .filter((product) => product.channels.includes('POS') && product.channels.includes('WEB'))
  .map((product) => product.variants[0]!)
  .filter((variant) => totalStock(variant.id) >= 100)
  .map((variant) => variant.id);

interface Link {
  online: boolean;
  lostRequests: number;
  lostAnswers: number;
}

/** A till's network: down while `online` is false, and losing some requests and answers while up. */
function flakyTransport(inner: GraphQLTransport, random: () => number, link: Link): GraphQLTransport {
  return {
    async execute(query, variables) {
      if (!link.online) throw new RetryableError('offline');
      const roll = random();
      if (roll < 0.15) {
        link.lostRequests++;
        throw new RetryableError('request lost');
      }
      const answer = await inner.execute(query, variables);
      if (roll < 0.3) {
        link.lostAnswers++;
        throw new RetryableError('answer lost');
      }
      return answer as never;
    },
  };
}

const quantities = (cart: CartState) => Object.fromEntries(cart.lines.map((line) => [line.variantId, line.quantity]));

describe('the POS client library through the gateway', () => {
  it('two tills and the web shop converge on one cart; no change is lost or applied twice', async () => {
    expect(SET_C).toBeDefined();
    const random = seededRandom(SEED);
    const admin = await supergraph.as('admin');
    const customerId = expectData(
      await admin('mutation($input: IdentifyCustomerInput!) { identifyCustomer(input: $input) { customer { id } userErrors { code } } }', {
        input: { identifiers: [{ kind: 'EMAIL', value: 'pos-client@example.com', verified: true }], firstName: 'Pos' },
      }),
    ).identifyCustomer.customer.id as string;
    const till = await supergraph.as('staff', 'berlin-cashier', 'POS');
    const created = expectData(await till('mutation($input: CreateCartInput!) { createCart(input: $input) { cart { id store { id } } userErrors { code } } }', { input: { customerId } })).createCart;
    expect(created.cart.store).toEqual({ id: BERLIN });
    const cartId = created.cart.id as string;
    const web = gatewayClient(supergraph.gatewayUrl, await mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: customerId, channel: 'WEB' }));
    const webAdd = async (variantId: string) => {
      const added = expectData(await web('mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code message } } }', { input: { cartId, lines: [{ variantId, quantity: 1 }] } })).addCartLines;
      expect(added.userErrors).toEqual([]);
    };
    // The line quantity changes compete on must exist before the tills go offline.
    await webAdd(SET_C!);

    // Distinct device times across tills, so "last writer" is unambiguous for the expected cart.
    let clock = Date.now() - 60_000;
    const token = await supergraph.token('staff', 'berlin-cashier', 'POS');
    const tills = await Promise.all(
      ['berlin-till-1', 'berlin-till-2'].map(async (deviceId) => {
        const link: Link = { online: true, lostRequests: 0, lostAnswers: 0 };
        const transport = flakyTransport(createFetchTransport({ url: supergraph.gatewayUrl, token }), random, link);
        const cart = await PosCart.open({ cartId, deviceId, transport, store: createMemoryStore(), clock: () => new Date((clock += 7)), random, sleep: async () => {}, maxAttempts: 3, batchSize: 4 });
        return { deviceId, link, cart, operations: [] as Awaited<ReturnType<PosCart['addLine']>>[] };
      }),
    );

    const adds = { [ADDED_A!]: 0, [ADDED_B!]: 0, [SET_C!]: 1 };
    const sets: { deviceTime: string; quantity: number }[] = [];
    let failedFlushes = 0;
    for (let round = 0; round < 15; round++) {
      for (const { link, cart, operations } of tills) {
        // The network drops and comes back at random, independently per till.
        if (random() < 0.35) link.online = !link.online;
        const changes = Math.floor(random() * 4);
        for (let change = 0; change < changes; change++) {
          if (random() < 0.7) {
            const variantId = random() < 0.5 ? ADDED_A! : ADDED_B!;
            operations.push(await cart.addLine(variantId, 1));
            adds[variantId]!++;
          } else {
            const quantity = 1 + Math.floor(random() * 5);
            const operation = await cart.setQuantity(SET_C!, quantity);
            operations.push(operation);
            sets.push({ deviceTime: operation.deviceTime, quantity });
          }
        }
      }
      if (random() < 0.4) {
        await webAdd(ADDED_A!);
        adds[ADDED_A!]!++;
      }
      // Both tills upload at once when they can; the server serialises them on the cart.
      const outcomes = await Promise.allSettled(tills.map(({ cart }) => cart.flush()));
      failedFlushes += outcomes.filter((outcome) => outcome.status === 'rejected').length;
    }

    // The network comes back for good: everything queued goes up, then every device looks again.
    for (const { link, cart } of tills) {
      link.online = true;
      for (let attempt = 0; cart.pending().length > 0 && attempt < 20; attempt++) await cart.flush().catch(() => undefined);
    }
    for (const { cart } of tills) for (let attempt = 0; attempt < 20; attempt++) if (await cart.flush().then(() => true, () => false)) break;

    expect(failedFlushes).toBeGreaterThan(0);
    expect(tills.reduce((sum, { link }) => sum + link.lostAnswers, 0)).toBeGreaterThan(0);
    expect(tills.flatMap(({ cart }) => cart.refused())).toEqual([]);
    for (const { cart } of tills) expect(cart.pending()).toEqual([]);

    const canonical = expectData(await web('query($id: ID!) { cart(id: $id) { version lines(first: 100) { edges { node { quantity variant { id } } } } } }', { id: cartId })).cart;
    const server = Object.fromEntries(canonical.lines.edges.map(({ node }: { node: { quantity: number; variant: { id: string } } }) => [node.variant.id, node.quantity]));
    // Adds commute: each unit added anywhere is in the cart once. The competing quantity is the latest device time's.
    const latestSet = sets.reduce<{ deviceTime: string; quantity: number } | null>((latest, set) => (!latest || set.deviceTime > latest.deviceTime ? set : latest), null);
    expect(server).toEqual({
      ...(adds[ADDED_A!]! > 0 ? { [ADDED_A!]: adds[ADDED_A!] } : {}),
      ...(adds[ADDED_B!]! > 0 ? { [ADDED_B!]: adds[ADDED_B!] } : {}),
      [SET_C!]: latestSet?.quantity ?? 1,
    });
    for (const { cart } of tills) {
      expect(cart.canonical()!.version).toBe(canonical.version);
      expect(quantities(cart.view())).toEqual(server);
    }
    // Every change made has its answer: adds applied, quantity changes applied or superseded by a later one.
    for (const { cart, operations } of tills) {
      for (const operation of operations) {
        const result = cart.result(operation.opId);
        if (operation.kind === 'ADD_LINE') expect(result).toMatchObject({ status: 'APPLIED', reason: null });
        else expect([['APPLIED', null], ['MERGED', 'SUPERSEDED']]).toContainEqual([result?.status, result?.reason]);
      }
    }
  }, 120_000);

  it('uploads a cash sale made offline once the network is back: one order, credited to the cashier', async () => {
    const random = seededRandom(SEED + 1);
    const token = await supergraph.token('staff', 'berlin-cashier', 'POS');
    const link: Link = { online: false, lostRequests: 0, lostAnswers: 0 };
    // 0.2 loses the answer of every request that gets through (see flakyTransport); 0.9 loses nothing.
    let roll = 0.2;
    const transport = flakyTransport(createFetchTransport({ url: supergraph.gatewayUrl, token }), () => roll, link);
    const sales = await OfflineSales.open({ storeId: BERLIN, transport, store: createMemoryStore(), random, sleep: async () => {}, maxAttempts: 3 });
    const SALES = 'query($id: ID!) { staffMember(id: $id) { sales(first: 5) { totalCount edges { node { id channel creditedStaff { id } lines { quantity } } } } } }';
    const manager = await supergraph.as('staff', 'berlin-manager', 'POS');
    const before = expectData(await manager(SALES, { id: cashier.id })).staffMember.sales.totalCount as number;

    const sale = await sales.record({ soldAt: new Date(Date.now() - 5 * 60_000).toISOString(), lines: [{ variantId: ADDED_B!, quantity: 2, unitPrice: '12.50' }] });
    await expect(sales.flush()).rejects.toThrow('offline');
    expect(sales.pending()).toEqual([sale]);

    // Back online, but every answer is lost: the server gets the sale three times and the till keeps it queued.
    link.online = true;
    await expect(sales.flush()).rejects.toThrow('answer lost');
    expect(link.lostAnswers).toBe(3);
    expect(sales.pending()).toEqual([sale]);
    roll = 0.9;
    const recorded = await sales.flush();
    expect(recorded).toEqual([expect.objectContaining({ receiptId: sale.receiptId, stockRecorded: true })]);
    expect(sales.pending()).toEqual([]);

    const after = expectData(await manager(SALES, { id: cashier.id })).staffMember.sales;
    expect(after.totalCount).toBe(before + 1);
    expect(after.edges[0].node).toEqual({ id: recorded[0]!.orderId, channel: 'POS', creditedStaff: { id: cashier.id }, lines: [{ quantity: 2 }] });
  }, 120_000);
});
