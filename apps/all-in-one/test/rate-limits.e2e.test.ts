import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUDGETS } from '@omni/gateway';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}
interface Answer {
  status: number;
  retryAfter: string | null;
  body: {
    data?: Record<string, unknown>;
    errors?: { message: string; extensions?: { code?: string } }[];
    extensions?: { cost?: { requestedQueryCost: number; throttleStatus?: ThrottleStatus } };
  };
}

/** Partner keys get a small budget that barely refills, so the test runs out of it in a few requests. */
const PARTNER_BUDGET = { maximumAvailable: 5_000, restoreRate: 1 };
/** A page of 100 products with their variants: about 2,200 points. */
const FEED = '{ products(first: 100) { edges { node { id variants { sku } } } } }';

let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph({ rateLimits: { budgets: { partner: PARTNER_BUDGET } } });
});

afterAll(async () => {
  await supergraph?.close();
});

async function post(body: Record<string, unknown>, token?: string): Promise<Answer> {
  const response = await fetch(supergraph.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Answer['body'] };
}

describe('rate limits by cost at the gateway', () => {
  it('refuses a partner over its budget with RATE_LIMITED and Retry-After, reaching no subgraph, while other clients go on', async () => {
    const partner = await supergraph.token('partner', 'acme');
    const first = await post({ query: FEED }, partner);
    expect(first.status).toBe(200);
    const cost = first.body.extensions!.cost!.requestedQueryCost;
    expect(cost).toBeGreaterThan(1_000);
    expect(first.body.extensions?.cost?.throttleStatus).toEqual({ ...PARTNER_BUDGET, currentlyAvailable: PARTNER_BUDGET.maximumAvailable - cost });

    let refused: Answer | undefined;
    for (let i = 0; i < 10 && !refused; i++) {
      const answer = await post({ query: FEED }, partner);
      if (answer.status !== 200) refused = answer;
    }
    expect(refused?.status).toBe(429);
    expect(Number(refused!.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refused!.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(refused!.body.data).toBeUndefined();
    expect(refused!.body.extensions?.cost?.throttleStatus?.currentlyAvailable).toBeLessThan(cost);

    // Refused before planning: not one SQL statement.
    const statements = supergraph.totalStatements();
    expect((await post({ query: FEED }, partner)).status).toBe(429);
    expect(supergraph.totalStatements()).toBe(statements);

    const anonymous = await post({ query: FEED });
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.extensions?.cost?.throttleStatus).toMatchObject({ maximumAvailable: DEFAULT_BUDGETS.anonymous!.maximumAvailable });
    const customer = await post({ query: FEED }, await supergraph.token('customer', 'anna'));
    expect(customer.status).toBe(200);
    expect(customer.body.extensions?.cost?.throttleStatus).toMatchObject({ maximumAvailable: DEFAULT_BUDGETS.customer!.maximumAvailable });
  });

  it('runs a registered example operation by its hash alone (automatic persisted queries)', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../../gateway/persisted-operations.json', import.meta.url), 'utf8')) as { operations: { id: string; name: string }[] };
    const pos = manifest.operations.find((operation) => operation.name === 'PosScan')!;
    const answer = await post(
      {
        extensions: { persistedQuery: { version: 1, sha256Hash: pos.id } },
        variables: { barcode: '400000040010', storeId: 'loc_0000000001frw653cdgbqbgfy7' },
      },
      await supergraph.token('staff', 'berlin-cashier'),
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.variantByBarcode).toMatchObject({ sku: expect.any(String) });
    expect(answer.body.extensions?.cost?.throttleStatus).toMatchObject(DEFAULT_BUDGETS['staff-pos']!);
  });
});
