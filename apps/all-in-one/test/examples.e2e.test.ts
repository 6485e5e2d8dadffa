import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExampleFiles } from './support/example-files';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
});

afterAll(async () => {
  await supergraph?.close();
});

/** Walks a response and reports every empty list or null, so an example that "works" but returns nothing fails. */
function emptyPaths(value: unknown, path = 'data'): string[] {
  if (value === null || value === undefined) return [path];
  if (Array.isArray(value)) return value.length === 0 ? [path] : value.flatMap((item, index) => emptyPaths(item, `${path}[${index}]`));
  if (typeof value === 'object') return Object.entries(value).flatMap(([key, child]) => emptyPaths(child, `${path}.${key}`));
  return [];
}

// Fields that are legitimately null in the demo data.
const MAY_BE_EMPTY = [/\.staffMember$/, /\.endCursor$/, /\.startCursor$/, /\.onHand$/, /\.reserved$/, /\.description$/, /\.after$/];
// The agent's conversation view asks for what the demo conversation does not have: no hand-off,
// orders, offers or abandoned carts; its seeded messages came in through no provider and go nowhere.
const MAY_BE_EMPTY_IN: Record<string, RegExp[]> = {
  'support-conversation.graphql': [/\.(handOff|waitingSince|provider|offerCode|deliveryStatus|addedByStaff)$/, /\.customer\.(abandonedCarts\.edges|orders\.edges|offers)$/],
};

describe('examples/', () => {
  const examples = readExampleFiles();

  it('has one example per kind of client', () => {
    expect(examples.map((example) => example.file).sort()).toEqual([
      'mobile-app.graphql',
      'partner-feed.graphql',
      'pos.graphql',
      'support-console.graphql',
      'support-conversation.graphql',
      'web-checkout-options.graphql',
      'web-storefront.graphql',
    ]);
  });

  it.each(examples.map((example) => [example.file, example] as const))('%s returns data with no errors', async (_, example) => {
    const client = await supergraph.as(example.token.role, example.token.key, example.token.channel);
    const response = await client(example.query, example.variables);
    expect(response.errors).toBeUndefined();
    const allowed = [...MAY_BE_EMPTY, ...(MAY_BE_EMPTY_IN[example.file] ?? [])];
    const empty = emptyPaths(response.data).filter((path) => !allowed.some((pattern) => pattern.test(path)));
    expect(empty).toEqual([]);
  });
});
