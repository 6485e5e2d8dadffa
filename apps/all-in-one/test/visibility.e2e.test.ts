import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOCATIONS, demoCatalog, demoCustomer } from '@omni/demo-data';
import { expectData } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/**
 * Through the gateway: what a caller may reach. A product is seen, viewed, added and bought only in
 * a channel that offers it; ids a mutation is given must name something that exists.
 */
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
});

afterAll(async () => {
  await supergraph?.close();
});

const WAREHOUSE = DEMO_LOCATIONS.find((location) => location.kind === 'WAREHOUSE')!.id;
const { products, stock } = demoCatalog();
const onHand = (variantId: string, locationId: string) => stock.find((level) => level.variantId === variantId && level.locationId === locationId)?.onHand ?? 0;
/** Demo products offered everywhere with stock to sell, a different one per test. */
const sellable = products.filter((product, index) => index < 200 && onHand(product.variants[0]!.id, WAREHOUSE) >= 3);
/** A well-formed id of the given kind that nothing has. */
const unknown = (prefix: string) => `${prefix}_01jd${'0'.repeat(22)}`;

const CREATE_PRODUCT = `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id variants { id } } userErrors { code field } } }`;
const UNPUBLISH = `mutation($input: PublicationInput!) { unpublishProduct(input: $input) { product { publishedChannels } userErrors { code } } }`;
const PUBLISH = `mutation($input: PublicationInput!) { publishProduct(input: $input) { product { publishedChannels } userErrors { code } } }`;
const VIEW = `mutation($id: ID!) { recordProductView(input: { productId: $id }) { customer { id } userErrors { code field } } }`;
const RECENTLY_VIEWED = `{ me { id recentlyViewed { id title } } }`;
const CREATE_CART = `mutation($input: CreateCartInput!) { createCart(input: $input) { cart { id version customer { id } } userErrors { code field } } }`;
const ADD = `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { id version } userErrors { code field } } }`;
const CART = `query($id: ID!) { cart(id: $id) { id version status totalQuantity lines { edges { node { id quantity variant { id } } } } } }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code message field } } }`;

let draftCounter = 0;
/** A product without stock, a draft (no channels) unless channels are given; created by an admin. */
async function createProduct(channels: string[] = []): Promise<{ id: string; variantId: string }> {
  draftCounter += 1;
  const admin = await supergraph.as('admin');
  const payload = expectData(
    await admin(CREATE_PRODUCT, {
      input: {
        slug: `visibility-draft-${draftCounter}`,
        title: `Secret Prototype ${draftCounter}`,
        description: 'Not announced yet',
        vendor: 'Fjell',
        category: 'jackets',
        channels,
        variants: [{ sku: `VIS-${draftCounter}`, price: { amount: '99.00', currencyCode: 'EUR' } }],
      },
    }),
  ).createProduct;
  expect(payload.userErrors).toEqual([]);
  return { id: payload.product.id, variantId: payload.product.variants[0].id };
}

describe('unpublished products', () => {
  it('cannot be viewed, and `me` never breaks over a product that is missing or withdrawn later', async () => {
    const draft = await createProduct();
    const anna = await supergraph.as('customer', 'anna', 'WEB');

    for (const id of [draft.id, unknown('prod')]) {
      const refused = expectData(await anna(VIEW, { id })).recordProductView;
      expect(refused).toEqual({ customer: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'productId'] }] });
    }
    const afterRefusals = await anna(RECENTLY_VIEWED);
    expect(afterRefusals.errors).toBeUndefined();
    expect(afterRefusals.data!.me.id).toBe(demoCustomer('anna').id);
    expect(afterRefusals.data!.me.recentlyViewed.map((product: { id: string }) => product.id)).not.toContain(draft.id);

    // Viewed while offered, withdrawn from the web since: gone for the shopper there, `me` intact.
    const withdrawn = products[3]!;
    const kept = products[4]!;
    for (const product of [withdrawn, kept]) expect(expectData(await anna(VIEW, { id: product.id })).recordProductView.userErrors).toEqual([]);
    const admin = await supergraph.as('admin');
    expect(expectData(await admin(UNPUBLISH, { input: { id: withdrawn.id, channels: ['WEB'] } })).unpublishProduct.userErrors).toEqual([]);

    const onWeb = expectData(await anna(RECENTLY_VIEWED));
    expect(onWeb.me.recentlyViewed[0]).toEqual({ id: kept.id, title: kept.title });
    expect(onWeb.me.recentlyViewed.map((product: { id: string }) => product.id)).not.toContain(withdrawn.id);
    // Still offered in the app, so it shows there.
    const inApp = await supergraph.as('customer', 'anna', 'MOBILE_APP');
    const app = expectData(await inApp(RECENTLY_VIEWED));
    expect(app.me.recentlyViewed.slice(0, 2)).toEqual([
      { id: kept.id, title: kept.title },
      { id: withdrawn.id, title: withdrawn.title },
    ]);
    // Staff serving her see what she looked at, whatever their channel offers.
    const agent = await supergraph.as('staff', 'support-agent', 'CALL_CENTER');
    const served = expectData(await agent(`query($id: ID!) { customer(id: $id) { recentlyViewed { id } } }`, { id: demoCustomer('anna').id }));
    expect(served.customer.recentlyViewed.map((product: { id: string }) => product.id).slice(0, 2)).toEqual([kept.id, withdrawn.id]);
  });

  it('cannot be added to a cart by a shopper, and nothing changes', async () => {
    const draft = await createProduct();
    const ben = await supergraph.as('customer', 'ben', 'WEB');
    const cart = expectData(await ben(CREATE_CART, { input: {} })).createCart.cart;
    const refused = expectData(await ben(ADD, { input: { cartId: cart.id, lines: [{ variantId: draft.variantId, quantity: 1 }] } })).addCartLines;
    expect(refused).toEqual({ cart: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'lines', '0', 'variantId'] }] });
    const after = expectData(await ben(CART, { id: cart.id })).cart;
    expect(after).toMatchObject({ version: cart.version, totalQuantity: 0 });
  });

  it('cannot be bought once withdrawn from the channel after it was added; the cart stays as it was', async () => {
    const product = sellable[10]!;
    const variantId = product.variants[0]!.id;
    const dmitry = await supergraph.as('customer', 'dmitry', 'WEB');
    const cart = expectData(await dmitry(CREATE_CART, { input: {} })).createCart.cart;
    const added = expectData(await dmitry(ADD, { input: { cartId: cart.id, lines: [{ variantId, quantity: 1 }] } })).addCartLines;
    expect(added.userErrors).toEqual([]);

    const admin = await supergraph.as('admin');
    expect(expectData(await admin(UNPUBLISH, { input: { id: product.id, channels: ['WEB'] } })).unpublishProduct.userErrors).toEqual([]);

    const checkoutInput = {
      cartId: cart.id,
      idempotencyKey: 'withdrawn-1',
      fulfillment: { method: 'DELIVERY', shippingAddress: { name: 'Dmitry', line1: 'Hauptstr. 1', postalCode: '10115', city: 'Berlin', countryCode: 'DE' } },
      payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' },
    };
    const checkout = expectData(await dmitry(CHECKOUT, { input: checkoutInput })).checkout;
    expect(checkout.order).toBeNull();
    expect(checkout.userErrors.map((error: { code: string }) => error.code)).toEqual(['NOT_FOUND']);

    // The line is still there, to be removed.
    const after = expectData(await dmitry(CART, { id: cart.id })).cart;
    expect(after).toMatchObject({ status: 'ACTIVE', version: added.cart.version, totalQuantity: 1 });
    expect(after.lines.edges).toEqual([{ node: { id: expect.any(String), quantity: 1, variant: { id: variantId } } }]);
    // Stock was not touched: nothing reserved, nothing sold.
    const staff = await supergraph.as('staff', 'berlin-manager');
    const levels = expectData(await staff(`query($id: ID!) { variant(id: $id) { stockLevels { location { id } reserved onHand } } }`, { id: variantId })).variant;
    expect(levels.stockLevels.find((level: { location: { id: string } }) => level.location.id === WAREHOUSE)).toMatchObject({ reserved: 0, onHand: onHand(variantId, WAREHOUSE) });

    // Offered again: the same cart checks out.
    expect(expectData(await admin(PUBLISH, { input: { id: product.id, channels: ['WEB'] } })).publishProduct.userErrors).toEqual([]);
    const placed = expectData(await dmitry(CHECKOUT, { input: { ...checkoutInput, idempotencyKey: 'withdrawn-2' } })).checkout;
    expect(placed.userErrors).toEqual([]);
  });

  it('does not resolve through references for shoppers, but does for staff', async () => {
    const product = sellable[11]!;
    const variantId = product.variants[0]!.id;
    const chen = await supergraph.as('customer', 'chen', 'WEB');
    const cart = expectData(await chen(CREATE_CART, { input: {} })).createCart.cart;
    expect(expectData(await chen(ADD, { input: { cartId: cart.id, lines: [{ variantId, quantity: 1 }] } })).addCartLines.userErrors).toEqual([]);
    const admin = await supergraph.as('admin');
    expectData(await admin(UNPUBLISH, { input: { id: product.id, channels: [...product.channels] } }));

    const LINE = `query($id: ID!) { cart(id: $id) { lines { edges { node { variant { id sku product { id title description } } } } } } }`;
    const shopper = await chen(LINE, { id: cart.id });
    expect(shopper.data!.cart.lines.edges).toEqual([{ node: { variant: null } }]);
    expect(shopper.errors).toBeUndefined();
    const cashier = await supergraph.as('staff', 'berlin-cashier');
    const served = expectData(await cashier(LINE, { id: cart.id }));
    expect(served.cart.lines.edges[0].node.variant).toMatchObject({ id: variantId, product: { id: product.id, title: product.title } });
  });
});

describe('the partner feed', () => {
  it('never lists a product marketplaces were never offered, drafts included', async () => {
    const draft = await createProduct();
    const webOnly = await createProduct(['WEB']);
    const admin = await supergraph.as('admin');
    // Offered to marketplaces once, withdrawn since: partners hold it and need the tombstone.
    const withdrawn = await createProduct(['MARKETPLACE']);
    expectData(await admin(UNPUBLISH, { input: { id: withdrawn.id, channels: ['MARKETPLACE'] } }));
    const marker = await createProduct(['MARKETPLACE']);

    const partner = await supergraph.as('partner', 'acme');
    const seen = new Map<string, string>();
    let after: string | null = null;
    // A change shows once no older transaction runs anywhere on the server; ask until the last one did.
    for (let attempt = 0; attempt < 150 && !seen.has(marker.id); attempt += 1) {
      const page: { edges: { node: { productId: string; kind: string } }[]; pageInfo: { endCursor: string | null } } = expectData(
        await partner(`query($after: String) { catalogChanges(first: 100, after: $after) { edges { node { productId kind } } pageInfo { endCursor } } }`, { after }),
      ).catalogChanges;
      for (const { node } of page.edges) seen.set(node.productId, node.kind);
      if (page.edges.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      after = page.pageInfo.endCursor;
    }
    expect(seen.get(marker.id)).toBe('UPSERTED');
    expect(seen.get(withdrawn.id)).toBe('REMOVED');
    expect(seen.has(draft.id)).toBe(false);
    expect(seen.has(webOnly.id)).toBe(false);
  });
});

describe('ids that must exist', () => {
  it('staff cannot open a cart for a customer who does not exist', async () => {
    const cashier = await supergraph.as('staff', 'berlin-cashier');
    const refused = expectData(await cashier(CREATE_CART, { input: { customerId: unknown('cus') } })).createCart;
    expect(refused).toEqual({ cart: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'customerId'] }] });

    const anna = demoCustomer('anna').id;
    const opened = expectData(await cashier(CREATE_CART, { input: { customerId: anna } })).createCart;
    expect(opened).toMatchObject({ cart: { customer: { id: anna } }, userErrors: [] });
  });

  it('a cart staff open for a merged-away id is the survivor’s', async () => {
    const agent = await supergraph.as('staff', 'support-agent', 'CALL_CENTER');
    const identify = `mutation($input: IdentifyCustomerInput!) { identifyCustomer(input: $input) { customer { id } userErrors { code } } }`;
    const first = expectData(await agent(identify, { input: { identifiers: [{ kind: 'EMAIL', value: 'twin-a@example.com', verified: false }] } })).identifyCustomer.customer.id;
    const second = expectData(await agent(identify, { input: { identifiers: [{ kind: 'EMAIL', value: 'twin-b@example.com', verified: false }] } })).identifyCustomer.customer.id;
    const admin = await supergraph.as('admin');
    const merge = `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { customer { id } userErrors { code } } }`;
    expect(expectData(await admin(merge, { input: { survivorId: first, mergedId: second, reason: 'Same person' } })).mergeCustomers.userErrors).toEqual([]);

    const cashier = await supergraph.as('staff', 'berlin-cashier');
    const opened = expectData(await cashier(CREATE_CART, { input: { customerId: second } })).createCart;
    expect(opened).toMatchObject({ cart: { customer: { id: first } }, userErrors: [] });
  });

  it('refuses touchpoints naming a product that does not exist', async () => {
    const agent = await supergraph.as('staff', 'support-agent', 'CALL_CENTER');
    const touchpoint = `mutation($input: RecordTouchpointInput!) { recordTouchpoint(input: $input) { entry { id } userErrors { code field } } }`;
    const input = { customerId: demoCustomer('chen').id, kind: 'CALL_LOGGED', summary: 'Asked about a parka' };
    const refused = expectData(await agent(touchpoint, { input: { ...input, productId: unknown('prod') } })).recordTouchpoint;
    expect(refused).toEqual({ entry: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'productId'] }] });
    const recorded = expectData(await agent(touchpoint, { input: { ...input, productId: products[0]!.id } })).recordTouchpoint;
    expect(recorded.userErrors).toEqual([]);
  });
});

describe('every public mutation given an id of nothing', () => {
  const knownVariant = products[0]!.variants[0]!.id;
  const cases: [string, string, Record<string, unknown>, string[]][] = [
    ['adjustInventory', 'AdjustInventoryInput', { variantId: unknown('var'), locationId: WAREHOUSE, delta: 1, reason: 'RECEIVED', idempotencyKey: 'probe-1' }, ['input', 'variantId']],
    ['adjustInventory', 'AdjustInventoryInput', { variantId: knownVariant, locationId: unknown('loc'), delta: 1, reason: 'RECEIVED', idempotencyKey: 'probe-2' }, ['input', 'locationId']],
    ['setSafetyStock', 'SetSafetyStockInput', { variantId: unknown('var'), locationId: WAREHOUSE, safetyStock: 1 }, ['input', 'variantId']],
    ['updateProduct', 'UpdateProductInput', { id: unknown('prod'), title: 'Nothing' }, ['input', 'id']],
    ['publishProduct', 'PublicationInput', { id: unknown('prod'), channels: ['WEB'] }, ['input', 'id']],
    ['createCart', 'CreateCartInput', { customerId: unknown('cus') }, ['input', 'customerId']],
    ['addCartLines', 'AddCartLinesInput', { cartId: unknown('cart'), lines: [{ variantId: knownVariant, quantity: 1 }] }, ['input', 'cartId']],
    ['updateCartLines', 'UpdateCartLinesInput', { cartId: unknown('cart'), lines: [{ lineId: unknown('line'), quantity: 1 }] }, ['input', 'cartId']],
    ['removeCartLines', 'RemoveCartLinesInput', { cartId: unknown('cart'), lineIds: [unknown('line')] }, ['input', 'cartId']],
    ['applyCouponCode', 'ApplyCouponCodeInput', { cartId: unknown('cart'), code: 'PROBE' }, ['input', 'cartId']],
    ['removeCouponCode', 'RemoveCouponCodeInput', { cartId: unknown('cart'), code: 'PROBE' }, ['input', 'cartId']],
    ['updatePromotion', 'UpdatePromotionInput', { promotionId: unknown('promo'), priority: 1 }, ['input', 'promotionId']],
    ['createCouponCodes', 'CreateCouponCodesInput', { promotionId: unknown('promo'), codes: ['PROBE'] }, ['input', 'promotionId']],
    ['checkout', 'CheckoutInput', { cartId: unknown('cart'), idempotencyKey: 'probe', fulfillment: { method: 'PICKUP', locationId: WAREHOUSE }, payment: { provider: 'PAY_AT_PICKUP' } }, ['input', 'cartId']],
    ['markOrderReadyForPickup', 'MarkOrderReadyForPickupInput', { orderId: unknown('ord') }, ['input', 'orderId']],
    ['markOrderPickedUp', 'MarkOrderPickedUpInput', { orderId: unknown('ord') }, ['input', 'orderId']],
    ['markOrderShipped', 'MarkOrderShippedInput', { orderId: unknown('ord') }, ['input', 'orderId']],
    ['returnOrderLines', 'ReturnOrderLinesInput', { orderId: unknown('ord'), idempotencyKey: 'probe', locationId: WAREHOUSE, lines: [{ orderLineId: unknown('oline'), quantity: 1 }] }, ['input', 'orderId']],
    ['updateCustomerProfile', 'UpdateCustomerProfileInput', { customerId: unknown('cus'), firstName: 'Nobody' }, ['input', 'customerId']],
    ['mergeCustomers', 'MergeCustomersInput', { survivorId: unknown('cus'), mergedId: demoCustomer('anna').id, reason: 'probe' }, ['input', 'survivorId']],
    ['recordTouchpoint', 'RecordTouchpointInput', { customerId: unknown('cus'), kind: 'CALL_LOGGED', summary: 'probe' }, ['input', 'customerId']],
    ['recordProductView', 'RecordProductViewInput', { customerId: unknown('cus'), productId: products[0]!.id }, ['input', 'customerId']],
    ['earnLoyaltyPoints', 'EarnLoyaltyPointsInput', { customerId: unknown('cus'), points: 10, reason: 'probe', idempotencyKey: 'probe-loyalty-0001' }, ['input', 'customerId']],
    ['redeemLoyaltyPoints', 'RedeemLoyaltyPointsInput', { customerId: unknown('cus'), points: 10, reason: 'probe', idempotencyKey: 'probe-loyalty-0001' }, ['input', 'customerId']],
    ['setConsent', 'SetConsentInput', { customerId: unknown('cus'), purpose: 'MARKETING', contactChannel: 'EMAIL', granted: true, source: 'probe' }, ['input', 'customerId']],
    ['eraseCustomer', 'EraseCustomerInput', { customerId: unknown('cus') }, ['input', 'customerId']],
    ['startConversation', 'StartConversationInput', { customerId: unknown('cus'), body: 'Hello?' }, ['input', 'customerId']],
    ['sendMessage', 'SendMessageInput', { conversationId: unknown('conv'), body: 'Hello?' }, ['input', 'conversationId']],
    ['closeConversation', 'CloseConversationInput', { conversationId: unknown('conv') }, ['input', 'conversationId']],
  ];

  it.each(cases)('%s answers NOT_FOUND at the id, not an error', async (mutation, inputType, input, field) => {
    const admin = await supergraph.as('admin');
    const response = await admin(`mutation($input: ${inputType}!) { ${mutation}(input: $input) { userErrors { code field } } }`, { input });
    expect(response.errors).toBeUndefined();
    expect(response.data![mutation].userErrors).toContainEqual({ code: 'NOT_FOUND', field });
  });
});

describe('every lookup given an id of nothing', () => {
  it.each([
    ['product', `query($id: ID!) { product(id: $id) { id } }`, unknown('prod')],
    ['variant', `query($id: ID!) { variant(id: $id) { id } }`, unknown('var')],
    ['location', `query($id: ID!) { location(id: $id) { id } }`, unknown('loc')],
    ['cart', `query($id: ID!) { cart(id: $id) { id } }`, unknown('cart')],
    ['order', `query($id: ID!) { order(id: $id) { id } }`, unknown('ord')],
    ['customer', `query($id: ID!) { customer(id: $id) { id } }`, unknown('cus')],
    ['conversation', `query($id: ID!) { conversation(id: $id) { id } }`, unknown('conv')],
  ])('%s answers null', async (field, query, id) => {
    const admin = await supergraph.as('admin');
    expect(expectData(await admin(query, { id }))[field]).toBeNull();
  });

  it('exportCustomerData answers NOT_FOUND', async () => {
    const admin = await supergraph.as('admin');
    const response = await admin(`query($id: ID) { exportCustomerData(customerId: $id) { customerId } }`, { id: unknown('cus') });
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
  });
});
