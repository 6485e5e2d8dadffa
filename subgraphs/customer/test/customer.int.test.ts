import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS, DEMO_STAFF, demoCustomer } from '@omni/demo-data';
import { callers, createTestDatabase, signedSubgraphClient, TEST_SIGNING_SECRET, TEST_TOKEN_SECRET, type TestDatabase } from '@omni/testing';
import { openCustomerDatabase, type CustomerDatabase } from '../src/db/database';
import { createCustomerSubgraph } from '../src/server';
import { seedCustomerDemoData } from '../src/seed';
import type { RunningServer } from '@omni/graphql';
import { DISCARD_CODES, NO_SIBLINGS, STAND_IN_CATALOG } from './support/customer-harness';

let testDb: TestDatabase;
let database: CustomerDatabase;
let server: RunningServer;
const anna = demoCustomer('anna');
const ben = demoCustomer('ben');
const cashier = DEMO_STAFF[0]!;

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openCustomerDatabase(testDb.client);
  await seedCustomerDemoData(database.db);
  server = await createCustomerSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, siblingUrls: NO_SIBLINGS, tokenSecret: TEST_TOKEN_SECRET, codeSender: DISCARD_CODES, catalog: STAND_IN_CATALOG }).listen(0);
});

afterAll(async () => {
  await server?.stop();
  await testDb?.drop();
});

const asCaller = (caller: Parameters<typeof signedSubgraphClient>[2]) => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, caller);

describe('customer subgraph', () => {
  it('refuses a request without the gateway signature', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[]; data?: unknown };
    expect(response.status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.data).toBeUndefined();
  });

  it('refuses a signature made with another secret', async () => {
    const forged = signedSubgraphClient(server.url, 'some-other-secret-of-sufficient-length', callers.admin());
    const response = await forged('{ customer(id: "x") { id } }');
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('returns the signed-in customer with identities in the order they were linked', async () => {
    const response = await asCaller(callers.customer(anna.id))('{ me { id displayName identities { kind value channel verified } } }');
    expect(response.errors).toBeUndefined();
    expect(response.data?.me.id).toBe(anna.id);
    expect(response.data?.me.displayName).toBe('Anna Ivanova');
    expect(response.data?.me.identities.map((i: { kind: string }) => i.kind)).toEqual(anna.identities.map((i) => i.kind));
  });

  it('forbids a customer from reading another customer', async () => {
    const response = await asCaller(callers.customer(anna.id))('query($id: ID!) { customer(id: $id) { id firstName } }', { id: ben.id });
    expect(response.data?.customer ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lets staff read any customer and resolves entity references in one batch', async () => {
    const query = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { id firstName identities { value } } } }`;
    const reps = DEMO_CUSTOMERS.map((c) => ({ __typename: 'Customer', id: c.id }));
    const before = database.statements.total;
    const response = await asCaller(callers.staff(cashier.id, cashier.homeLocationId))(query, { reps });
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities.map((c: { id: string }) => c.id)).toEqual(DEMO_CUSTOMERS.map((c) => c.id));
    // One statement for the customers, one for all their identities, whatever the count.
    expect(database.statements.total - before).toBe(2);
  });

  it('updates the own profile and validates input without changing anything on error', async () => {
    const client = asCaller(callers.customer(ben.id));
    const mutation = `mutation($input: UpdateCustomerProfileInput!) { updateCustomerProfile(input: $input) { customer { firstName locale } userErrors { code field message } } }`;
    const bad = await client(mutation, { input: { firstName: '  ', locale: 'not a locale!' } });
    expect(bad.data?.updateCustomerProfile.customer).toBeNull();
    expect(bad.data?.updateCustomerProfile.userErrors.map((e: { field: string[] }) => e.field.join('.'))).toEqual(['input.firstName', 'input.locale']);
    const unchanged = await client('{ me { firstName locale } }');
    expect(unchanged.data?.me).toEqual({ firstName: 'Ben', locale: 'de' });

    const ok = await client(mutation, { input: { firstName: 'Benjamin', locale: 'de-DE' } });
    expect(ok.data?.updateCustomerProfile).toEqual({ customer: { firstName: 'Benjamin', locale: 'de-DE' }, userErrors: [] });
  });

  it('refuses a customer updating someone else', async () => {
    const response = await asCaller(callers.customer(ben.id))(
      `mutation($input: UpdateCustomerProfileInput!) { updateCustomerProfile(input: $input) { customer { id } userErrors { code } } }`,
      { input: { customerId: anna.id, firstName: 'Mallory' } },
    );
    expect(response.data?.updateCustomerProfile).toEqual({ customer: null, userErrors: [{ code: 'FORBIDDEN' }] });
    const annaNow = await asCaller(callers.customer(anna.id))('{ me { firstName } }');
    expect(annaNow.data?.me.firstName).toBe('Anna');
  });
});
