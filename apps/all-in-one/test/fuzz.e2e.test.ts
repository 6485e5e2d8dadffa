import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceAbandonedCarts, DEFAULT_ABANDONED_AFTER_MINUTES } from '@omni/subgraph-cart';
import { releaseExpiredReservations } from '@omni/subgraph-catalog';
import { demoStaffMember, seededRandom } from '@omni/demo-data';
import { expectData } from '@omni/testing';
import type { DemoTokenRole } from '../src/demo-tokens';
import {
  collectIds,
  mixedRequestsFor,
  nestedFields,
  requestsFor,
  rootFields,
  type FuzzContext,
  type FuzzRequest,
  type RootField,
} from './support/fuzz-cases';
import { changedTables, digestTables, type TableDigests } from './support/table-digest';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/**
 * Sends thousands of invalid requests to every public argument of the gateway's API, as several
 * roles, and holds the whole stack to three rules: never a 5xx or INTERNAL_SERVER_ERROR, never an
 * error that shows a stack, SQL or a file path, and never a change to any table.
 */

const SEED = 20261128;
const CONCURRENCY = 4;
/** Extra requests per mutation with random optional inputs switched on around the bad value. */
const MIXED_PER_MUTATION = 20;

/**
 * Tables an invalid request may still write, because recording the attempt is their purpose:
 * per-client and per-identifier counters of sign-in attempts count wrong codes and malformed
 * identifiers alike, or guessing would cost nothing.
 */
const RECORDS_ATTEMPTS = new Set(['customer.rate_limit_counters']);

const ROLES: { role: DemoTokenRole | 'anonymous'; key?: string }[] = [
  { role: 'anonymous' },
  { role: 'customer', key: 'anna' },
  { role: 'staff', key: 'berlin-cashier' },
  { role: 'admin' },
];

const ERROR_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'RATE_LIMITED']);
/** What must never reach a client: stack frames, file paths, SQL and database error texts. */
const LEAK =
  /\n\s+at |node_modules|\/(?:home|root|usr|app|work|srv|tmp)\/|\.[cm]?[jt]s:\d+|\bselect\s.+\sfrom\s|\binsert into\b|\bupdate\s+"?\w+"?\s+set\b|violates .*constraint|relation "|column "|duplicate key|invalid input syntax|out of range for type|\bpostgres\b|pglite/i;

let supergraph: TestSupergraph;
let tokens: Record<string, string | undefined>;
let context: FuzzContext;
let roots: RootField[];

async function settledDigest(): Promise<TableDigests> {
  // Work the clock makes due (idle seeded carts, lapsed holds) is done now rather than by the
  // background sweepers halfway through, where it would pass for a change made by a request.
  await announceAbandonedCarts(supergraph.databases.cart.db, { idleMinutes: DEFAULT_ABANDONED_AFTER_MINUTES });
  await releaseExpiredReservations(supergraph.databases.catalog.db);
  // Relays may still be delivering events from before; wait until two looks agree.
  for (;;) {
    await supergraph.settleEvents();
    const first = await digestTables(supergraph.databases, RECORDS_ATTEMPTS);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await digestTables(supergraph.databases, RECORDS_ATTEMPTS);
    if (changedTables(first, second).length === 0) return second;
  }
}

beforeAll(async () => {
  supergraph = await startTestSupergraph();
  tokens = { anonymous: undefined };
  for (const { role, key } of ROLES) if (role !== 'anonymous') tokens[`${role}:${key ?? ''}`] = await supergraph.token(role, key);

  const admin = await supergraph.as('admin');
  const anna = await supergraph.as('customer', 'anna');
  const catalog = expectData(
    await admin(`{
      products(first: 5) { edges { node { id variants { id sku } } } }
      locations { id }
      categories { id }
      promotions(first: 5) { edges { node { id } } }
    }`),
  );
  const own = expectData(
    await anna(`{ me { id cart { id lines(first: 5) { edges { node { id } } } }
      orders(first: 5) { edges { node { id lines { id } } } }
      conversations(first: 5) { edges { node { id } } } } }`),
  );
  context = { ids: collectIds([catalog, own]), sku: catalog.products.edges[0].node.variants[0].sku };

  const introspection = expectData<IntrospectionQuery>(await admin(getIntrospectionQuery()));
  const schema = buildClientSchema(introspection);
  roots = [
    ...rootFields(schema),
    ...nestedFields(schema, 'Customer', 'me {', '}'),
    ...nestedFields(schema, 'Cart', 'me { cart {', '} }'),
    ...nestedFields(schema, 'Conversation', 'me { conversations(first: 1) { edges { node {', '} } } }'),
    ...nestedFields(schema, 'Product', 'products(first: 2) { edges { node {', '} } } }'),
    ...nestedFields(schema, 'Variant', 'products(first: 2) { edges { node { variants {', '} } } } }'),
    ...nestedFields(schema, 'Location', 'locations {', '}'),
    ...nestedFields(schema, 'Order', 'me { orders(first: 2) { edges { node {', '} } } }'),
    ...nestedFields(schema, 'LoyaltyAccount', 'me { loyalty {', '} }'),
    ...nestedFields(schema, 'StaffMember', `staffMember(id: "${demoStaffMember('berlin-cashier').id}") {`, '}'),
  ];
}, 180_000);

afterAll(async () => {
  await supergraph?.close();
});

interface Finding {
  request: string;
  role: string;
  problem: string;
}

interface Outcome {
  problem: string | null;
  /** How the request was answered: an error code, `userErrors`, or `data`. */
  answer: string;
  /** True when the server reported no error at all, so the request may have changed something. */
  accepted: boolean;
}

async function send(request: FuzzRequest, token: string | undefined): Promise<Outcome> {
  const problem = (text: string): Outcome => ({ problem: text, answer: 'problem', accepted: false });
  const response = await fetch(supergraph.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: request.query, variables: request.variables }),
  });
  const text = await response.text();
  if (response.status >= 500) return problem(`HTTP ${response.status}: ${text.slice(0, 300)}`);
  let body: { data?: Record<string, unknown> | null; errors?: { message?: string; extensions?: Record<string, unknown> }[] };
  try {
    body = JSON.parse(text);
  } catch {
    return problem(`HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  for (const error of body.errors ?? []) {
    const code = String(error.extensions?.code);
    if (!ERROR_CODES.has(code)) return problem(`${code}: ${error.message}`);
    if (error.extensions && ('stacktrace' in error.extensions || 'exception' in error.extensions)) return problem(`error carries a stack: ${error.message}`);
    if (LEAK.test(error.message ?? '')) return problem(`error leaks internals: ${error.message?.slice(0, 300)}`);
  }
  const payload = Object.values(body.data ?? {})[0] as { userErrors?: unknown[] } | null | undefined;
  const answer = body.errors?.length ? String(body.errors[0]!.extensions?.code) : payload?.userErrors?.length ? 'userErrors' : 'data';
  return { problem: null, answer, accepted: answer === 'data' };
}

/** Bodies that are not a GraphQL request at all; the transport must refuse them as cleanly. */
const MALFORMED_BODIES: { label: string; contentType: string; body: string }[] = [
  { label: 'broken JSON', contentType: 'application/json', body: '{"query": "{ __typename }"' },
  { label: 'JSON array of junk', contentType: 'application/json', body: '[1, 2, 3]' },
  { label: 'JSON string', contentType: 'application/json', body: '"{ __typename }"' },
  { label: 'JSON null', contentType: 'application/json', body: 'null' },
  { label: 'query as a number', contentType: 'application/json', body: '{"query": 42}' },
  { label: 'variables as a string', contentType: 'application/json', body: '{"query": "query($id: ID!) { product(id: $id) { id } }", "variables": "id"}' },
  { label: 'variables as an array', contentType: 'application/json', body: '{"query": "{ __typename }", "variables": [1]}' },
  { label: 'operationName as an object', contentType: 'application/json', body: '{"query": "{ __typename }", "operationName": {}}' },
  { label: 'extensions as a string', contentType: 'application/json', body: '{"query": "{ __typename }", "extensions": "x"}' },
  { label: 'NUL in the document', contentType: 'application/json', body: JSON.stringify({ query: '{ product(slug: "a\u0000") { id } }' }) },
  { label: 'unterminated document', contentType: 'application/json', body: JSON.stringify({ query: '{ products(first: 1 { edges' }) },
  { label: 'empty document', contentType: 'application/json', body: JSON.stringify({ query: '' }) },
  { label: 'form body', contentType: 'application/x-www-form-urlencoded', body: 'query=%7B__typename%7D' },
  { label: 'plain text', contentType: 'text/plain', body: '{ __typename }' },
  { label: 'invalid UTF-8', contentType: 'application/json; charset=utf-8', body: '{"query": "{ product(slug: \"\xff\xfe\") { id } }"}' },
];

async function sendRaw(contentType: string, body: string): Promise<string | null> {
  const response = await fetch(supergraph.gatewayUrl, { method: 'POST', headers: { 'content-type': contentType, 'apollo-require-preflight': 'true' }, body });
  const text = await response.text();
  if (response.status >= 500) return `HTTP ${response.status}: ${text.slice(0, 300)}`;
  if (LEAK.test(text)) return `body leaks internals: ${text.slice(0, 300)}`;
  try {
    JSON.parse(text);
  } catch {
    return `HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`;
  }
  return null;
}

async function inParallel<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await run(items[next++]!);
  }));
}

const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
const codesOf = (response: { errors?: { extensions?: { code?: string } }[] }) => (response.errors ?? []).map((error) => error.extensions?.code);

describe('input found broken from outside', () => {
  it('refuses NUL in variables and in inline literals, at the gateway', async () => {
    const anna = await supergraph.as('customer', 'anna');
    const viaVariable = await anna(`query($slug: String) { product(slug: $slug) { id } }`, { slug: 'a\u0000b' });
    expect(viaVariable.status).toBe(200);
    expect(codesOf(viaVariable)).toEqual(['BAD_USER_INPUT']);
    const inline = await anna(`mutation { updateCustomerProfile(input: { firstName: "An\\u0000na" }) { userErrors { code } } }`);
    expect(codesOf(inline)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses malformed and out-of-range decimals and instants', async () => {
    const admin = await supergraph.as('admin');
    const price = await admin(`query($f: ProductFilter) { products(filter: $f) { edges { cursor } } }`, { f: { priceRange: { currencyCode: 'EUR', min: 'abc' } } });
    expect(codesOf(price)).toEqual(['BAD_USER_INPUT']);
    for (const startsAt of ['+275760-09-13T00:00:00.000Z', '2024-02-30T00:00:00.000Z']) {
      const promotion = await admin(`mutation($input: CreatePromotionInput!) { createPromotion(input: $input) { userErrors { code } } }`, {
        input: { name: 'Fuzz', kind: 'PERCENTAGE_OFF_ORDER', currencyCode: 'EUR', percentOff: 10, startsAt },
      });
      expect(codesOf(promotion)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('refuses hand-made cursors whose values no column holds', async () => {
    for (const sort of ['PRICE_ASC', 'RELEVANCE', 'CREATED']) {
      const response = await supergraph.anonymous(`query($after: String, $sort: ProductSort) { products(first: 2, after: $after, sort: $sort, filter: { search: "a" }) { edges { cursor } } }`, {
        after: cursorOf([1e308, 'x']),
        sort,
      });
      expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('refuses a blank idempotency key and an empty customer id instead of reading them as omitted', async () => {
    const anna = await supergraph.as('customer', 'anna');
    const cartId = context.ids.get('cart')?.[0];
    const checkout = expectData(
      await anna(`mutation($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code field } } }`, {
        input: { cartId, idempotencyKey: '   ', fulfillment: { method: 'PICKUP', locationId: context.ids.get('loc')?.[0] }, payment: { provider: 'PAY_AT_PICKUP' } },
      }),
    ).checkout;
    expect(checkout.order).toBeNull();
    expect(checkout.userErrors).toContainEqual({ code: 'INVALID', field: ['input', 'idempotencyKey'] });

    const admin = await supergraph.as('admin');
    const expire = expectData(await admin(`mutation { expireLoyaltyPoints(input: { customerId: "" }) { customers userErrors { code field } } }`)).expireLoyaltyPoints;
    expect(expire.userErrors).toEqual([{ code: 'INVALID', field: ['input', 'customerId'] }]);
  });
});

describe('fuzzing every public argument through the gateway', () => {
  it('refuses every invalid request cleanly and changes nothing', async () => {
    const random = seededRandom(SEED);
    const findings: Finding[] = [];
    let sent = 0;
    const answers = new Map<string, number>();
    let before = await settledDigest();
    const started = Date.now();
    // Each mutation is checked for writes on its own, so a change names its culprit; reads
    // must not write either and are checked together.
    const groups: { name: string; roots: RootField[] }[] = [
      { name: 'queries', roots: roots.filter((root) => root.operation === 'query') },
      ...roots.filter((root) => root.operation === 'mutation').map((root) => ({ name: root.field.name, roots: [root] })),
    ];
    for (const group of groups) {
      const accepted: string[] = [];
      // Each request goes out as one role picked by the seeded generator, so a run is repeatable;
      // fields below `me` need a signed-in customer to run at all.
      const planned = group.roots.flatMap((root) =>
        [...requestsFor(root, context), ...(root.operation === 'mutation' ? mixedRequestsFor(root, context, random, MIXED_PER_MUTATION) : [])].flatMap((request) =>
          request.everyRole
            ? ROLES.map((as) => ({ request, as }))
            : [{ request, as: root.around?.open.startsWith('me') ? ROLES[1]! : ROLES[Math.floor(random() * ROLES.length)]! }],
        ),
      );
      await inParallel(planned, CONCURRENCY, async ({ request, as }) => {
        const role = as.role === 'anonymous' ? 'anonymous' : `${as.role}:${as.key ?? ''}`;
        const outcome = await send(request, tokens[role]);
        sent += 1;
        answers.set(outcome.answer, (answers.get(outcome.answer) ?? 0) + 1);
        if (outcome.problem) findings.push({ request: request.label, role, problem: outcome.problem });
        if (outcome.accepted && group.name !== 'queries') accepted.push(`${request.label} as ${role}`);
      });
      await supergraph.settleEvents();
      const after = await digestTables(supergraph.databases, RECORDS_ATTEMPTS);
      const changed = changedTables(before, after);
      if (changed.length > 0) {
        findings.push({ request: group.name, role: 'any', problem: `changed ${changed.join(', ')}; accepted: ${accepted.slice(0, 8).join('; ') || 'none'}` });
      }
      before = after;
    }
    for (const malformed of MALFORMED_BODIES) {
      const problem = await sendRaw(malformed.contentType, malformed.body);
      sent += 1;
      if (problem) findings.push({ request: malformed.label, role: 'anonymous', problem });
    }
    const seconds = (Date.now() - started) / 1000;
    console.info(`fuzz: ${sent} requests over ${roots.length} fields in ${seconds.toFixed(1)} s, ${findings.length} findings; answers ${JSON.stringify(Object.fromEntries(answers))}`);
    expect(sent).toBeGreaterThanOrEqual(2_000);
    expect(findings).toEqual([]);
    // A table digest after every mutation's group is most of the time: minutes on a shared machine.
  }, 600_000);
});
