import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { composeSupergraph } from '../src/compose';
import { graphql } from '../src/live/graphql-runtime';
import { liveQueryOf, type LiveQuery } from '../src/live/live-operations';
import { topicsOfEvent } from '../src/live/live-topics';

/** The API schema with subscriptions, as the gateway serves it. */
const schema = graphql.buildSchema(composeSupergraph().clientSchemaSdl);
const live = (source: string, variables?: Record<string, unknown>) => liveQueryOf(schema, graphql.parse(source), undefined, variables);
const asLive = (result: ReturnType<typeof live>) => {
  if (Array.isArray(result)) throw new Error(`refused: ${result.map((error) => error.message).join('; ')}`);
  return result as LiveQuery;
};

describe('subscriptions as queries', () => {
  it('cartUpdated runs cart(id) with the same selection, alias, fragments and variables', () => {
    const query = asLive(
      live(
        `subscription Watch($id: ID!, $first: Int) { mine: cartUpdated(cartId: $id) { ...Lines version } }
         fragment Lines on Cart { lines(first: $first) { edges { node { id } } } }
         fragment Unused on Cart { id }`,
        { id: 'cart_1', first: 5 },
      ),
    );
    const document = parse(query.query);
    expect(graphql.validate(schema, graphql.parse(query.query))).toEqual([]);
    expect(query.query).toContain('mine: cart(id: $liveId)');
    expect(query.query).not.toContain('Unused');
    // $id fed only the subscription's argument; the query declares what it still uses.
    expect(document.definitions[0]).toMatchObject({ operation: 'query', variableDefinitions: [{ variable: { name: { value: 'first' } } }, { variable: { name: { value: 'liveId' } } }] });
    expect(query.variables).toMatchObject({ liveId: 'cart_1', first: 5 });
    expect(query.topics).toEqual(['cart:cart_1']);
    expect(query.shape({ data: { mine: null }, errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] })).toEqual({ data: null, errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] });
    expect(query.shape({ data: { mine: null } }).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('stockChanged asks each variant for its availability and answers one list in order', () => {
    const query = asLive(live(`subscription($ids: [ID!]!) { stockChanged(variantIds: $ids, locationId: "loc_1") { available } }`, { ids: ['var_a', 'var_b'] }));
    expect(graphql.validate(schema, graphql.parse(query.query))).toEqual([]);
    expect(query.topics).toEqual(['stock:var_a@loc_1', 'stock:var_b@loc_1']);
    const shaped = query.shape({
      data: { stockChanged_0: { availability: { available: 3 } }, stockChanged_1: null },
      errors: [{ message: 'boom', path: ['stockChanged_1', 'availability', 'available'] }],
    });
    expect(shaped.data).toEqual({ stockChanged: [{ available: 3 }, null] });
    expect(shaped.errors?.[0]?.path).toEqual(['stockChanged', 1, 'available']);
    expect(query.ended({ data: {} })).toBe(false);
  });

  it('refuses what a query cannot answer: too many variants, bad variables, a query', () => {
    const tooMany = live(`subscription($ids: [ID!]!) { stockChanged(variantIds: $ids, locationId: "loc_1") { available } }`, { ids: Array.from({ length: 21 }, (_, i) => `var_${i}`) });
    expect(Array.isArray(tooMany)).toBe(true);
    const missing = live(`subscription($id: ID!) { cartUpdated(cartId: $id) { id } }`, {});
    expect((missing as readonly { extensions: Record<string, unknown> }[])[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(Array.isArray(live(`query { __typename }`))).toBe(true);
  });
});

describe('topics of domain events', () => {
  const event = (type: string, aggregateId: string, payload: Record<string, unknown> = {}) => ({ id: 'evt_1', type, producer: 'x', aggregateId, occurredAt: new Date(), payload });
  it('names the cart, the conversation and the stock levels an event changes', () => {
    expect(topicsOfEvent(event('cart.changed', 'cart_1'))).toEqual(['cart:cart_1']);
    expect(topicsOfEvent(event('message.received', 'conv_1', { conversationId: 'conv_1' }))).toEqual(['conversation:conv_1']);
    expect(topicsOfEvent(event('stock.changed', 'var_1', { variantId: 'var_1', locationIds: ['loc_1', 'loc_2'] }))).toEqual(['stock:var_1@loc_1', 'stock:var_1@loc_2']);
    expect(topicsOfEvent(event('customer.merged', 'cus_1'))).toEqual([]);
  });
});
