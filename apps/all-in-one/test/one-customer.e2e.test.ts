import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintAccessToken } from '@omni/auth';
import { demoCatalog, demoCustomer } from '@omni/demo-data';
import { expectData, gatewayClient, TEST_TOKEN_SECRET } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/** Issue 5 across the supergraph: one customer across channels, fed by other subgraphs' events. */
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
});

afterAll(async () => {
  await supergraph?.close();
});

const IDENTIFY = `mutation($input: IdentifyCustomerInput!) {
  identifyCustomer(input: $input) { customer { id } created mergedIds userErrors { code field } }
}`;

describe('J12: one person writing on Telegram, calling and filling a web form', () => {
  it('ends as one customer whose timeline holds the three touchpoints in order, the chat coming from the support subgraph', async () => {
    const bot = await supergraph.as('staff', 'support-agent', 'MESSENGER');
    const callCenter = await supergraph.as('staff', 'support-agent', 'CALL_CENTER');
    const web = await supergraph.as('staff', 'support-agent', 'WEB');

    // The Telegram bot recognises the sender by their Telegram id and the chat goes to support.
    const telegram = expectData(await bot(IDENTIFY, { input: { identifiers: [{ kind: 'TELEGRAM', value: '880011223', verified: true }], firstName: 'Olga' } })).identifyCustomer;
    expect(telegram.created).toBe(true);
    const olga = gatewayClient(supergraph.gatewayUrl, await mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: telegram.customer.id, channel: 'MESSENGER' }));
    const chat = expectData(
      await olga(`mutation($input: StartConversationInput!) { startConversation(input: $input) { conversation { id } userErrors { code } } }`, {
        input: { provider: 'TELEGRAM', body: 'Do you have the parka in size M?' },
      }),
    ).startConversation;
    expect(chat.userErrors).toEqual([]);
    await supergraph.settleEvents();

    const call = expectData(
      await callCenter(IDENTIFY, {
        input: { identifiers: [{ kind: 'PHONE', value: '+49 160 5550199', verified: false }], touchpoint: { kind: 'CALL_LOGGED', summary: 'Asked when the parka is back in stock' } },
      }),
    ).identifyCustomer;
    const form = expectData(
      await web(IDENTIFY, {
        input: {
          identifiers: [
            { kind: 'EMAIL', value: 'Olga.S@Example.org', verified: false },
            { kind: 'PHONE', value: '0160 5550199', region: 'DE', verified: false },
          ],
          touchpoint: { kind: 'FORM_SUBMITTED', summary: 'Back-in-stock form' },
        },
      }),
    ).identifyCustomer;
    expect(form.customer.id).toBe(call.customer.id);
    expect(call.customer.id).not.toBe(telegram.customer.id);

    // The bot receives the phone number shared from the Telegram account: the verified link.
    const link = expectData(
      await bot(IDENTIFY, { input: { identifiers: [{ kind: 'TELEGRAM', value: '880011223', verified: true }, { kind: 'PHONE', value: '+491605550199', verified: true }] } }),
    ).identifyCustomer;
    expect(link).toMatchObject({ customer: { id: telegram.customer.id }, mergedIds: [call.customer.id], userErrors: [] });

    // The agent looks the caller up by the id the call created: it is the one merged customer.
    const view = expectData(
      await callCenter(
        `query($id: ID!) { customer(id: $id) {
          id displayName identities { kind value verified }
          timeline { edges { node { kind channel provider } } }
          conversations(first: 5) { edges { node { id provider } } }
        } }`,
        { id: call.customer.id },
      ),
    ).customer;
    expect(view.id).toBe(telegram.customer.id);
    expect(view.displayName).toBe('Olga');
    expect(view.identities).toEqual([
      { kind: 'TELEGRAM', value: '880011223', verified: true },
      { kind: 'PHONE', value: '+491605550199', verified: true },
      { kind: 'EMAIL', value: 'olga.s@example.org', verified: false },
    ]);
    expect(view.timeline.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      { kind: 'MESSAGE_SENT', channel: 'MESSENGER', provider: 'TELEGRAM' },
      { kind: 'CALL_LOGGED', channel: 'CALL_CENTER', provider: null },
      { kind: 'FORM_SUBMITTED', channel: 'WEB', provider: null },
    ]);
    expect(view.conversations.edges).toEqual([{ node: { id: chat.conversation.id, provider: 'TELEGRAM' } }]);
  });
});

describe('J1: recently viewed follows the customer', () => {
  it('shows on the app what was viewed on the web, with catalog data, and cart changes reach the timeline', async () => {
    const chen = demoCustomer('chen');
    const [first, second] = demoCatalog().products;
    const onWeb = await supergraph.as('customer', chen.key, 'WEB');
    const inApp = await supergraph.as('customer', chen.key, 'MOBILE_APP');
    for (const product of [first!, second!]) {
      expectData(await onWeb(`mutation($id: ID!) { recordProductView(input: { productId: $id }) { userErrors { code } } }`, { id: product.id }));
    }
    const app = expectData(await inApp('{ me { recentlyViewed { id title } } }'));
    expect(app.me.recentlyViewed).toEqual([
      { id: second!.id, title: second!.title },
      { id: first!.id, title: first!.title },
    ]);

    const cart = expectData(await inApp('mutation { createCart(input: {}) { cart { id } } }')).createCart.cart;
    expectData(
      await inApp(`mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code } } }`, {
        input: { cartId: cart.id, lines: [{ variantId: first!.variants[0]!.id, quantity: 2 }] },
      }),
    );
    await supergraph.settleEvents();
    const timeline = expectData(await onWeb('{ me { timeline(kinds: [PRODUCT_VIEWED, CART_CHANGED]) { edges { node { kind channel product { id } } } } } }'));
    expect(timeline.me.timeline.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      { kind: 'PRODUCT_VIEWED', channel: 'WEB', product: { id: first!.id } },
      { kind: 'PRODUCT_VIEWED', channel: 'WEB', product: { id: second!.id } },
      { kind: 'CART_CHANGED', channel: 'MOBILE_APP', product: null },
    ]);
  });
});

describe('internal operations', () => {
  it('keeps the event inbox out of the public API', async () => {
    const admin = await supergraph.as('admin');
    const response = await admin(`mutation { receiveCustomerEvents(events: []) { accepted } }`);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
