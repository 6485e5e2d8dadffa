import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/**
 * Traffic that pauses for about as long as Node's default keep-alive timeout (5 s) is where a
 * pooled connection between gateway and subgraph gets reused at the moment the subgraph closes it.
 */
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
});

afterAll(async () => {
  await supergraph?.close();
});

// Touches customer, cart, catalog and promotions, so every hop between gateway and subgraphs is pooled.
const QUERY = /* GraphQL */ `
  query CartAfterPause {
    me {
      displayName
      cart { totalQuantity lines(first: 3) { edges { node { variant { sku } } } } total { amount } }
    }
  }
`;

const REQUESTS = 400;
// Spread over 4–6 s so the pauses straddle the 5 s at which an unconfigured Node server closes idle sockets.
const GAPS_MS = [4_000, 4_950, 5_000, 5_050, 5_100, 5_250, 5_500, 6_000];
const PARALLEL = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('pooled connections after idle gaps', () => {
  it(
    'answers every request that follows a 4–6 s pause',
    async () => {
      const client = await supergraph.as('customer', 'anna');
      const perBurst = Math.ceil(REQUESTS / (GAPS_MS.length + 1));
      const failures: string[] = [];
      let sent = 0;

      async function burst(size: number) {
        let next = 0;
        await Promise.all(
          Array.from({ length: PARALLEL }, async () => {
            while (next < size) {
              next += 1;
              const response = await client(QUERY);
              if (response.errors?.length || !response.data?.me) failures.push(`${response.status} ${JSON.stringify(response.errors)}`);
            }
          }),
        );
      }

      for (const gap of [0, ...GAPS_MS]) {
        if (gap) await sleep(gap);
        const size = Math.min(perBurst, REQUESTS - sent);
        await burst(size);
        sent += size;
      }

      expect(sent).toBe(REQUESTS);
      expect({ failed: failures.length, first: failures.slice(0, 3) }).toEqual({ failed: 0, first: [] });
    },
    // Eight pauses of about 5 s make most of it; a busy machine stretches the bursts in between.
    180_000,
  );
});
