import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintAccessToken } from '@omni/auth';
import { DEMO_LOCATIONS, DEMO_PROMOTIONS, DEMO_STAFF, demoCatalog, demoConversation, demoCustomer } from '@omni/demo-data';
import { callers, expectData, gatewayClient, signedSubgraphClient, TEST_SIGNING_SECRET, TEST_TOKEN_SECRET, type GraphQLResponse } from '@omni/testing';
import { publicOperations, type ApiOperation } from './support/api-operations';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/**
 * PERMISSIONS.md as a table: every public mutation and every query of the gateway, tried by every
 * kind of caller. A role listed as allowed must get past authorization (other failures, such as
 * too few loyalty points, are fine); every other role must be refused with FORBIDDEN (as an error
 * or as a user error) or, when anonymous, UNAUTHENTICATED. A new operation fails the test until
 * it is classified here.
 */
const ROLES = ['anonymous', 'guest', 'customer', 'cashier', 'storeManager', 'supportAgent', 'warehouse', 'admin', 'partner', 'service'] as const;
type Role = (typeof ROLES)[number];

type Client = (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse>;
interface Subject {
  id: string;
  client: Client;
}
interface Attempt {
  variables: Record<string, unknown>;
  /** The customer whose data this is: the `customer` role acts as them (Anna when absent). */
  owner?: Subject;
}
interface Case {
  label: string;
  allowed: readonly Role[];
  /** Made again for every role, so one role's change never decides another's outcome. */
  attempt: (role: Role) => Promise<Attempt>;
  /** A document reaching past the root field (Customer.conversations); gateway only, so not tried as a service. */
  document?: string;
}

const EVERYONE = ROLES;
const SHOPPERS_AND_STAFF: readonly Role[] = ['anonymous', 'guest', 'customer', 'cashier', 'storeManager', 'supportAgent', 'warehouse', 'admin'];
const STORE: readonly Role[] = ['cashier', 'storeManager'];
/** Conversations: the customer's own, and staff who work the inbox (support agents, store managers) and admins. */
const SUPPORT_STAFF: readonly Role[] = ['storeManager', 'supportAgent', 'admin'];
const SUPPORT: readonly Role[] = ['customer', ...SUPPORT_STAFF];
const AGENT_ID = DEMO_STAFF.find((member) => member.key === 'support-agent')!.id;
const MANAGER_ID = DEMO_STAFF.find((member) => member.key === 'berlin-manager')!.id;
const CASHIER_ID = DEMO_STAFF.find((member) => member.key === 'berlin-cashier')!.id;
const SERVES_CUSTOMERS: readonly Role[] = [...STORE, 'supportAgent', 'admin'];
const OWNER_AND_SERVERS: readonly Role[] = ['customer', ...SERVES_CUSTOMERS];
const ADMIN: readonly Role[] = ['admin'];

const BERLIN = DEMO_LOCATIONS.find((location) => location.key === 'berlin-mitte')!.id;
const WAREHOUSE = DEMO_LOCATIONS.find((location) => location.kind === 'WAREHOUSE')!.id;
const OTHER_STORE = DEMO_LOCATIONS.find((location) => location.kind === 'STORE' && location.id !== BERLIN)!.id;
const { products, stock } = demoCatalog();
const onHand = (variantId: string, locationId: string) => stock.find((level) => level.variantId === variantId && level.locationId === locationId)?.onHand ?? 0;
/** The variant with the most stock at both Berlin and the warehouse: every sale below comes out of it. */
const VARIANT = products
  .map((product) => product.variants[0]!)
  .reduce((best, variant) => (Math.min(onHand(variant.id, BERLIN), onHand(variant.id, WAREHOUSE)) > Math.min(onHand(best.id, BERLIN), onHand(best.id, WAREHOUSE)) ? variant : best));
const PRODUCT = products.find((product) => product.variants[0]!.id === VARIANT.id)!;
const ADDRESS = { name: 'Perm Test', line1: 'Torstr. 1', postalCode: '10119', city: 'Berlin', countryCode: 'DE' };

let supergraph: TestSupergraph;
let clients: Record<Exclude<Role, 'service' | 'customer'>, Client>;
let admin: Client;
let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}-${Date.now().toString(36)}`;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
  clients = {
    anonymous: supergraph.anonymous,
    guest: await supergraph.as('guest', 'permissions'),
    cashier: await supergraph.as('staff', 'berlin-cashier', 'POS'),
    storeManager: await supergraph.as('staff', 'berlin-manager', 'POS'),
    supportAgent: await supergraph.as('staff', 'support-agent', 'CALL_CENTER'),
    warehouse: await supergraph.as('staff', 'leipzig-warehouse', 'WEB'),
    admin: await supergraph.as('admin'),
    partner: await supergraph.as('partner', 'acme'),
  };
  admin = clients.admin;
}, 120_000);

afterAll(async () => {
  await supergraph?.close();
});

/** Runs `make` once and shares the result: fixtures several roles only read. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

/** `guest`: the device the customer signed in from, as the token of signInWithCode names it. */
async function customerClient(customerId: string, guest?: string): Promise<Client> {
  return gatewayClient(supergraph.gatewayUrl, await mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: customerId, channel: 'WEB', ...(guest ? { guest } : {}) }));
}

/** A customer nobody else touches, made by an admin the way a till identifies a shopper. */
async function newSubject(): Promise<Subject> {
  const made = expectData(
    await admin(`mutation($input: IdentifyCustomerInput!) { identifyCustomer(input: $input) { customer { id } userErrors { code message } } }`, {
      input: { identifiers: [{ kind: 'EMAIL', value: `${unique('perm')}@example.com`, verified: true }], firstName: 'Perm' },
    }),
  ).identifyCustomer;
  expect(made.userErrors).toEqual([]);
  return { id: made.customer.id, client: await customerClient(made.customer.id) };
}

async function subjectWithCart(quantity = 1) {
  const subject = await newSubject();
  const cartId = expectData(await subject.client('mutation { createCart(input: {}) { cart { id } userErrors { code } } }')).createCart.cart.id as string;
  const added = expectData(
    await subject.client('mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { lines { edges { node { id } } } } userErrors { code message } } }', {
      input: { cartId, lines: [{ variantId: VARIANT.id, quantity }] },
    }),
  ).addCartLines;
  expect(added.userErrors).toEqual([]);
  return { ...subject, cartId, lineId: added.cart.lines.edges[0].node.id as string };
}

const CHECKOUT = 'mutation($input: CheckoutInput!) { checkout(input: $input) { order { id lines { id } } userErrors { code message } } }';
async function placedOrder(method: 'PICKUP' | 'DELIVERY', quantity = 1) {
  const subject = await subjectWithCart(quantity);
  const fulfillment = method === 'PICKUP' ? { method, locationId: BERLIN } : { method, locationId: WAREHOUSE, shippingAddress: ADDRESS };
  const payment = method === 'PICKUP' ? { provider: 'PAY_AT_PICKUP' } : { provider: 'TEST_CARD', cardToken: 'tok_visa' };
  const placed = expectData(await subject.client(CHECKOUT, { input: { cartId: subject.cartId, idempotencyKey: unique('order'), fulfillment, payment } })).checkout;
  expect(placed.userErrors).toEqual([]);
  return { ...subject, orderId: placed.order.id as string, orderLineId: placed.order.lines[0].id as string };
}

async function step(name: string, orderId: string) {
  expect(expectData(await admin(`mutation($id: ID!) { ${name}(input: { orderId: $id }) { userErrors { code } } }`, { id: orderId }))[name].userErrors).toEqual([]);
}

const pickupOrder = once(() => placedOrder('PICKUP'));
const readyOrder = once(async () => {
  const order = await placedOrder('PICKUP');
  await step('markOrderReadyForPickup', order.orderId);
  return order;
});
const collectedOrder = once(async () => {
  const order = await placedOrder('PICKUP', 4);
  await step('markOrderReadyForPickup', order.orderId);
  await step('markOrderPickedUp', order.orderId);
  return order;
});
const deliveryOrder = once(() => placedOrder('DELIVERY'));
const sharedSubject = once(() => newSubject());
const conversationOf = async (subject: Subject) =>
  expectData(await subject.client('mutation { startConversation(input: { body: "Where is my parcel?" }) { conversation { id } userErrors { code } } }')).startConversation.conversation.id as string;
const sharedConversation = once(async () => {
  const subject = await sharedSubject();
  return { subject, conversationId: await conversationOf(subject) };
});
const newGuestCart = async () => {
  const key = unique('guest');
  const guest = await supergraph.as('guest', key);
  const cartId = expectData(await guest('mutation { createCart(input: {}) { cart { id } } }')).createCart.cart.id as string;
  expect(expectData(await guest('mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code } } }', { input: { cartId, lines: [{ variantId: VARIANT.id, quantity: 1 }] } })).addCartLines.userErrors).toEqual([]);
  return { cartId, guestId: `guest_${key}` };
};
const adminProduct = once(async () => {
  const sku = unique('PERM-SKU').toUpperCase();
  const made = expectData(
    await admin('mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code message } } }', {
      input: { slug: unique('perm-product'), title: 'Permission probe', vendor: 'Omni', category: PRODUCT.category, variants: [{ sku, price: { amount: '9.90', currencyCode: 'EUR' } }] },
    }),
  ).createProduct;
  expect(made.userErrors).toEqual([]);
  return { id: made.product.id as string, sku };
});
const adminPromotion = once(async () => {
  const made = expectData(
    await admin('mutation($input: CreatePromotionInput!) { createPromotion(input: $input) { promotion { id } userErrors { code message } } }', {
      input: { name: 'Permission probe', kind: 'PERCENTAGE_OFF_ORDER', currencyCode: 'EUR', percentOff: 5, status: 'PAUSED' },
    }),
  ).createPromotion;
  expect(made.userErrors).toEqual([]);
  return made.promotion.id as string;
});

const anna = demoCustomer('anna');
const ben = demoCustomer('ben');
const fixed = (variables: Record<string, unknown>) => async (): Promise<Attempt> => ({ variables });
const forSubject = (variables: (subject: Subject) => Record<string, unknown>) => async (): Promise<Attempt> => {
  const subject = await newSubject();
  return { variables: variables(subject), owner: subject };
};

const forCart = (variables: (subject: Awaited<ReturnType<typeof subjectWithCart>>) => Record<string, unknown>) => async (): Promise<Attempt> => {
  const subject = await subjectWithCart();
  return { variables: variables(subject), owner: subject };
};

/** Catalog reads: public to every caller the gateway vouches for, and to sibling services. */
const catalogRead = (variables: Record<string, unknown>): Case[] => [{ label: 'published catalog', allowed: EVERYONE, attempt: fixed(variables) }];

const TABLE: Record<string, Case[]> = {
  // Catalog and locations
  product: catalogRead({ id: PRODUCT.id }),
  products: catalogRead({ first: 3 }),
  categories: catalogRead({}),
  variant: catalogRead({ id: VARIANT.id }),
  variantBySku: catalogRead({ sku: VARIANT.sku }),
  variantByBarcode: catalogRead({ barcode: VARIANT.barcode }),
  locations: catalogRead({}),
  location: catalogRead({ id: BERLIN }),
  catalogChanges: catalogRead({ first: 3 }),
  // `node` decides nothing itself: the owner's rules apply to the fields read (a product here).
  node: catalogRead({ id: PRODUCT.id }),
  nodes: catalogRead({ ids: [PRODUCT.id, VARIANT.id] }),

  // Storefront reads partners and services do not get, but for staff names: services check the staff ids they are given
  staffMember: [
    { label: 'a colleague on a receipt', allowed: [...SHOPPERS_AND_STAFF, 'service'], attempt: fixed({ id: DEMO_STAFF[0]!.id }) },
    {
      label: "a Berlin cashier's sales (themself, their store's manager, admins)",
      allowed: ['cashier', 'storeManager', 'admin'],
      attempt: fixed({ id: CASHIER_ID }),
      document: 'query($id: ID!) { staffMember(id: $id) { id sales(first: 5) { totalCount totals { amount } edges { node { id } } } } }',
    },
  ],
  promotion: [{ label: 'one promotion', allowed: SHOPPERS_AND_STAFF, attempt: fixed({ id: DEMO_PROMOTIONS[0]!.id }) }],
  promotions: [{ label: 'the promotions list', allowed: SHOPPERS_AND_STAFF, attempt: fixed({ first: 5 }) }],

  // Customer data
  me: [{ label: 'the caller themself (nobody for non-customers)', allowed: EVERYONE, attempt: fixed({}) }],
  customer: [
    { label: 'profile', allowed: OWNER_AND_SERVERS, attempt: fixed({ id: anna.id }) },
    {
      label: 'profile, identities, consents, loyalty and timeline',
      allowed: OWNER_AND_SERVERS,
      attempt: fixed({ id: anna.id }),
      document: 'query($id: ID!) { customer(id: $id) { id firstName identities { value } consents { purpose } loyalty { balance } timeline(first: 5) { edges { node { kind } } } } }',
    },
    { label: 'cart and orders', allowed: OWNER_AND_SERVERS, attempt: fixed({ id: anna.id }), document: 'query($id: ID!) { customer(id: $id) { id cart { id } orders(first: 5) { edges { node { id } } } } }' },
    { label: 'conversations', allowed: ['customer', 'storeManager', 'supportAgent', 'admin'], attempt: fixed({ id: anna.id }), document: 'query($id: ID!) { customer(id: $id) { id conversations(first: 5) { edges { node { id } } } } }' },
    { label: 'personal offers', allowed: OWNER_AND_SERVERS, attempt: fixed({ id: anna.id }), document: 'query($id: ID!) { customer(id: $id) { id offers { code status } } }' },
  ],
  customerMergePreview: [{ label: 'two records', allowed: ['storeManager', 'supportAgent', 'admin'], attempt: fixed({ survivorId: anna.id, mergedId: ben.id }) }],
  exportCustomerData: [{ label: "a customer's personal data", allowed: ['customer', 'admin'], attempt: forSubject((subject) => ({ customerId: subject.id })) }],
  updateCustomerProfile: [{ label: 'a customer', allowed: OWNER_AND_SERVERS, attempt: forSubject((subject) => ({ input: { customerId: subject.id, firstName: 'Renamed' } })) }],
  identifyCustomer: [
    {
      label: 'an identifier seen in a channel (sibling services report them too)',
      allowed: [...SERVES_CUSTOMERS, 'service'],
      attempt: async () => ({ variables: { input: { identifiers: [{ kind: 'EMAIL', value: `${unique('identify')}@example.com`, verified: false }] } } }),
    },
  ],
  mergeCustomers: [
    {
      label: 'two records of one person',
      allowed: ['storeManager', 'supportAgent', 'admin'],
      attempt: async () => ({ variables: { input: { survivorId: (await newSubject()).id, mergedId: (await newSubject()).id, reason: 'Same person' } } }),
    },
  ],
  recordTouchpoint: [{ label: 'a store visit', allowed: SERVES_CUSTOMERS, attempt: forSubject((subject) => ({ input: { customerId: subject.id, kind: 'STORE_VISIT', summary: 'Visited' } })) }],
  recordProductView: [{ label: 'a product view', allowed: OWNER_AND_SERVERS, attempt: forSubject((subject) => ({ input: { customerId: subject.id, productId: PRODUCT.id } })) }],
  earnLoyaltyPoints: [
    {
      label: 'points for a purchase',
      allowed: [...SERVES_CUSTOMERS, 'service'],
      attempt: forSubject((subject) => ({ input: { customerId: subject.id, points: 10, reason: 'purchase', idempotencyKey: unique('earn') } })),
    },
  ],
  redeemLoyaltyPoints: [
    { label: 'points at the till or online', allowed: OWNER_AND_SERVERS, attempt: forSubject((subject) => ({ input: { customerId: subject.id, points: 1, reason: 'discount', idempotencyKey: unique('redeem') } })) },
  ],
  expireLoyaltyPoints: [{ label: 'due points', allowed: ['admin', 'service'], attempt: forSubject((subject) => ({ input: { customerId: subject.id } })) }],
  setConsent: [
    {
      label: 'a consent',
      allowed: OWNER_AND_SERVERS,
      attempt: forSubject((subject) => ({ input: { customerId: subject.id, purpose: 'MARKETING', contactChannel: 'EMAIL', granted: true, source: 'permissions-test' } })),
    },
  ],
  eraseCustomer: [{ label: 'everything about a person', allowed: ['customer', 'admin'], attempt: forSubject((subject) => ({ input: { customerId: subject.id } })) }],
  requestSignInCode: [
    { label: 'a one-time code', allowed: SHOPPERS_AND_STAFF, attempt: async () => ({ variables: { input: { kind: 'EMAIL', value: `${unique('signin')}@example.com` } } }) },
  ],
  signInWithCode: [{ label: 'a wrong code', allowed: SHOPPERS_AND_STAFF, attempt: fixed({ input: { challengeId: 'chl_00000000000000000000000000', code: '000000' } }) }],

  // Carts and orders
  cart: [{ label: "a customer's cart", allowed: OWNER_AND_SERVERS, attempt: forCart((subject) => ({ id: subject.cartId })) }],
  abandonedCarts: [{ label: 'idle carts of known customers', allowed: SERVES_CUSTOMERS, attempt: fixed({ first: 5 }) }],
  createCart: [{ label: 'own, or a walk-in at the till', allowed: ['guest', ...OWNER_AND_SERVERS], attempt: fixed({ input: {} }) }],
  addCartLines: [
    {
      label: "a customer's cart",
      allowed: OWNER_AND_SERVERS,
      attempt: forCart((subject) => ({ input: { cartId: subject.cartId, lines: [{ variantId: VARIANT.id, quantity: 1 }] } })),
    },
  ],
  updateCartLines: [
    {
      label: "a customer's cart",
      allowed: OWNER_AND_SERVERS,
      attempt: forCart((subject) => ({ input: { cartId: subject.cartId, lines: [{ lineId: subject.lineId, quantity: 2 }] } })),
    },
  ],
  removeCartLines: [
    {
      label: "a customer's cart",
      allowed: OWNER_AND_SERVERS,
      attempt: forCart((subject) => ({ input: { cartId: subject.cartId, lineIds: [subject.lineId] } })),
    },
  ],
  applyCouponCode: [{ label: "a customer's cart", allowed: OWNER_AND_SERVERS, attempt: forCart((subject) => ({ input: { cartId: subject.cartId, code: 'PERM-TEST' } })) }],
  // An absent code is NOT_FOUND past authorization: enough to tell who may remove one.
  removeCouponCode: [{ label: "a customer's cart", allowed: OWNER_AND_SERVERS, attempt: forCart((subject) => ({ input: { cartId: subject.cartId, code: 'PERM-TEST' } })) }],
  syncCart: [
    {
      label: "a customer's online cart",
      allowed: OWNER_AND_SERVERS,
      attempt: forCart((subject) => ({
        input: { cartId: subject.cartId, deviceId: 'perm-device', baseVersion: 1, operations: [{ opId: unique('op'), deviceTime: new Date().toISOString(), kind: 'ADD_LINE', variantId: VARIANT.id, quantity: 1 }] },
      })),
    },
    {
      label: "a customer's cart at another store's till (a Berlin till syncs Berlin carts)",
      allowed: ['customer', 'supportAgent', 'admin'],
      attempt: async () => {
        const subject = await newSubject();
        const created = expectData(await admin('mutation($input: CreateCartInput!) { createCart(input: $input) { cart { id } userErrors { code } } }', { input: { customerId: subject.id, storeId: OTHER_STORE } })).createCart;
        expect(created.userErrors).toEqual([]);
        return { variables: { input: { cartId: created.cart.id, deviceId: 'perm-device', baseVersion: 1, operations: [] } }, owner: subject };
      },
    },
  ],
  recordOfflineSale: [
    {
      label: 'a cash sale at the Berlin till',
      allowed: [...STORE, 'admin'],
      attempt: async () => ({ variables: { input: { storeId: BERLIN, receiptId: unique('receipt'), soldAt: new Date().toISOString(), lines: [{ variantId: VARIANT.id, quantity: 1, unitPrice: '1.00' }] } } }),
    },
  ],
  mergeGuestCart: [
    {
      label: 'the guest cart of the signing-in shopper',
      allowed: ['customer'],
      attempt: async () => {
        const { cartId, guestId } = await newGuestCart();
        const subject = await newSubject();
        return { variables: { input: { guestCartId: cartId } }, owner: { ...subject, client: await customerClient(subject.id, guestId) } };
      },
    },
  ],
  checkout: [
    {
      label: 'pickup at Berlin',
      allowed: OWNER_AND_SERVERS,
      attempt: forCart((subject) => ({
        input: { cartId: subject.cartId, idempotencyKey: unique('checkout'), fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'PAY_AT_PICKUP' } },
      })),
    },
    {
      label: 'pickup at another store (a Berlin till sells for Berlin)',
      allowed: ['customer', 'supportAgent', 'admin'],
      attempt: forCart((subject) => ({
        input: { cartId: subject.cartId, idempotencyKey: unique('checkout'), fulfillment: { method: 'PICKUP', locationId: OTHER_STORE }, payment: { provider: 'PAY_AT_PICKUP' } },
      })),
    },
  ],
  order: [{ label: "a customer's order", allowed: OWNER_AND_SERVERS, attempt: async () => { const order = await pickupOrder(); return { variables: { id: order.orderId }, owner: order }; } }],
  markOrderReadyForPickup: [{ label: 'a Berlin pickup', allowed: [...STORE, 'admin'], attempt: async () => ({ variables: { input: { orderId: (await pickupOrder()).orderId } } }) }],
  markOrderPickedUp: [{ label: 'a Berlin pickup', allowed: [...STORE, 'admin'], attempt: async () => ({ variables: { input: { orderId: (await readyOrder()).orderId } } }) }],
  markOrderShipped: [{ label: 'a delivery from the warehouse', allowed: ['warehouse', 'admin'], attempt: async () => ({ variables: { input: { orderId: (await deliveryOrder()).orderId } } }) }],
  returnOrderLines: [
    {
      label: 'one unit back at Berlin',
      allowed: [...STORE, 'admin'],
      attempt: async () => {
        const order = await collectedOrder();
        return { variables: { input: { orderId: order.orderId, idempotencyKey: unique('return'), locationId: BERLIN, lines: [{ orderLineId: order.orderLineId, quantity: 1 }] } } };
      },
    },
  ],

  // Stock
  adjustInventory: [
    { label: 'at Berlin', allowed: ['storeManager', 'admin'], attempt: async () => ({ variables: { input: { variantId: VARIANT.id, locationId: BERLIN, delta: 1, reason: 'RECEIVED', idempotencyKey: unique('adjust') } } }) },
    { label: 'at the warehouse', allowed: ['warehouse', 'admin'], attempt: async () => ({ variables: { input: { variantId: VARIANT.id, locationId: WAREHOUSE, delta: 1, reason: 'RECEIVED', idempotencyKey: unique('adjust') } } }) },
  ],
  setSafetyStock: [
    { label: 'at Berlin', allowed: ['storeManager', 'admin'], attempt: fixed({ input: { variantId: VARIANT.id, locationId: BERLIN, safetyStock: 0 } }) },
    { label: 'at the warehouse', allowed: ['warehouse', 'admin'], attempt: fixed({ input: { variantId: VARIANT.id, locationId: WAREHOUSE, safetyStock: 0 } }) },
  ],

  // Catalog and promotions administration
  createProduct: [
    {
      label: 'a new product',
      allowed: ADMIN,
      attempt: async () => ({
        variables: { input: { slug: unique('probe'), title: 'Probe', vendor: 'Omni', category: PRODUCT.category, variants: [{ sku: unique('PROBE').toUpperCase(), price: { amount: '1.00', currencyCode: 'EUR' } }] } },
      }),
    },
  ],
  updateProduct: [{ label: 'a product', allowed: ADMIN, attempt: async () => ({ variables: { input: { id: (await adminProduct()).id, title: 'Probe renamed' } } }) }],
  updateVariant: [{ label: 'a variant', allowed: ADMIN, attempt: async () => ({ variables: { input: { sku: (await adminProduct()).sku, barcode: null } } }) }],
  setVariantPrice: [{ label: 'a price', allowed: ADMIN, attempt: async () => ({ variables: { input: { sku: (await adminProduct()).sku, price: { amount: '8.90', currencyCode: 'EUR' } } } }) }],
  publishProduct: [{ label: 'in a channel', allowed: ADMIN, attempt: async () => ({ variables: { input: { id: (await adminProduct()).id, channels: ['WEB'] } } }) }],
  unpublishProduct: [{ label: 'from a channel', allowed: ADMIN, attempt: async () => ({ variables: { input: { id: (await adminProduct()).id, channels: ['MARKETPLACE'] } } }) }],
  createPromotion: [{ label: 'a paused promotion', allowed: ADMIN, attempt: fixed({ input: { name: 'Probe', kind: 'PERCENTAGE_OFF_ORDER', currencyCode: 'EUR', percentOff: 5, status: 'PAUSED' } }) }],
  setPromotionStatus: [{ label: 'a paused promotion', allowed: ADMIN, attempt: async () => ({ variables: { input: { promotionId: await adminPromotion(), status: 'PAUSED' } } }) }],
  updatePromotion: [{ label: 'a paused promotion', allowed: ADMIN, attempt: async () => ({ variables: { input: { promotionId: await adminPromotion(), priority: 1 } } }) }],
  createCouponCodes: [{ label: 'for a paused promotion', allowed: ADMIN, attempt: async () => ({ variables: { input: { promotionId: await adminPromotion(), generate: { count: 1, prefix: 'PERM-' } } } }) }],

  // Conversations
  conversation: [{ label: "a customer's conversation", allowed: SUPPORT, attempt: async () => { const { subject, conversationId } = await sharedConversation(); return { variables: { id: conversationId }, owner: subject }; } }],
  conversations: [{ label: 'the waiting queue', allowed: SUPPORT_STAFF, attempt: fixed({ filter: { status: 'WAITING_FOR_AGENT' }, first: 5 }) }],
  startConversation: [{ label: 'for a customer', allowed: SUPPORT, attempt: forSubject((subject) => ({ input: { customerId: subject.id, body: 'Hello' } })) }],
  sendMessage: [
    {
      label: "in a customer's conversation",
      allowed: SUPPORT,
      attempt: async () => { const { subject, conversationId } = await sharedConversation(); return { variables: { input: { conversationId, body: 'Any news?', idempotencyKey: unique('msg') } }, owner: subject }; },
    },
  ],
  closeConversation: [
    {
      label: "a customer's conversation",
      allowed: SUPPORT,
      attempt: async () => { const subject = await newSubject(); return { variables: { input: { conversationId: await conversationOf(subject) } }, owner: subject }; },
    },
  ],
  logCustomerContact: [{ label: 'a phone call', allowed: SUPPORT_STAFF, attempt: forSubject((subject) => ({ input: { customerId: subject.id, provider: 'PHONE', text: 'Called about a delivery', idempotencyKey: unique('call') } })) }],
  takeConversation: [{ label: 'from the bot', allowed: SUPPORT_STAFF, attempt: async () => ({ variables: { input: { conversationId: await conversationOf(await newSubject()) } } }) }],
  assignConversation: [{ label: 'to an agent', allowed: SUPPORT_STAFF, attempt: async () => ({ variables: { input: { conversationId: await conversationOf(await newSubject()), staffId: AGENT_ID } } }) }],
  transferConversation: [
    {
      label: 'to another agent',
      allowed: SUPPORT_STAFF,
      attempt: async () => {
        const conversationId = await conversationOf(await newSubject());
        const taken = expectData(await clients.supportAgent('mutation($id: ID!) { takeConversation(input: { conversationId: $id }) { userErrors { code } } }', { id: conversationId })).takeConversation;
        expect(taken.userErrors).toEqual([]);
        return { variables: { input: { conversationId, staffId: MANAGER_ID } } };
      },
    },
  ],
  resolveConversation: [{ label: "a customer's conversation", allowed: SUPPORT_STAFF, attempt: async () => ({ variables: { input: { conversationId: await conversationOf(await newSubject()) } } }) }],
};

type Outcome = 'allowed' | 'FORBIDDEN' | 'UNAUTHENTICATED';
const REFUSALS = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);
/** Codes that mean the probe itself is wrong (a bad document or variables), never an answer about permissions. */
const BROKEN_PROBE = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_USER_INPUT']);

function outcomeOf(response: GraphQLResponse, field: string): Outcome {
  const codes = (response.errors ?? []).map((error) => error.extensions?.code ?? 'NONE');
  const broken = codes.find((code) => BROKEN_PROBE.has(code));
  if (broken) throw new Error(`The probe of ${field} is broken: ${JSON.stringify(response.errors)}`);
  const refusal = codes.find((code) => REFUSALS.has(code));
  if (refusal) return refusal as Outcome;
  const payload = response.data?.[field] as { userErrors?: { code: string }[] } | null | undefined;
  if (payload?.userErrors?.some((userError) => userError.code === 'FORBIDDEN')) return 'FORBIDDEN';
  return 'allowed';
}

function expectedOutcome(role: Role, allowed: readonly Role[]): Outcome {
  if (allowed.includes(role)) return 'allowed';
  return role === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
}

async function clientFor(role: Role, operation: ApiOperation, owner: Subject | undefined): Promise<Client> {
  if (role === 'customer') return owner?.client ?? customerClient(anna.id);
  if (role === 'service') {
    // Sibling services sign as themselves and call the owning subgraph directly; they never pass the gateway.
    const service = operation.subgraph === 'cart' ? 'catalog' : 'cart';
    return signedSubgraphClient(supergraph.subgraphUrls[operation.subgraph], TEST_SIGNING_SECRET, callers.service(service));
  }
  return clients[role];
}

const operations = publicOperations();

describe('the permission table', () => {
  it('classifies every public query and mutation of the gateway', () => {
    const names = operations.map((operation) => operation.name);
    expect(names.filter((name) => !(name in TABLE))).toEqual([]);
    expect(Object.keys(TABLE).filter((name) => !names.includes(name))).toEqual([]);
  });
});

describe.each(operations.filter((operation) => operation.name in TABLE).map((operation) => [operation.name, operation] as const))('%s', (_, operation) => {
  it.each(TABLE[operation.name]!.map((entry) => [entry.label, entry] as const))('%s', async (__, entry) => {
    const actual: Partial<Record<Role, Outcome>> = {};
    const expected: Partial<Record<Role, Outcome>> = {};
    for (const role of ROLES) {
      if (role === 'service' && entry.document) continue;
      const { variables, owner } = await entry.attempt(role);
      const client = await clientFor(role, operation, owner);
      actual[role] = outcomeOf(await client(entry.document ?? operation.document, variables), operation.name);
      expected[role] = expectedOutcome(role, entry.allowed);
    }
    expect(actual).toEqual(expected);
  }, 60_000);
});
