import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintAccessToken } from '@omni/auth';
import { expectData, gatewayClient, TEST_TOKEN_SECRET } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/** Conversations through the gateway: a merged-away customer id reaches the survivor's conversations. */
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
});

afterAll(async () => {
  await supergraph?.close();
});

const IDENTIFY = `mutation($input: IdentifyCustomerInput!) { identifyCustomer(input: $input) { customer { id } userErrors { code } } }`;
const MERGE = `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { customer { id } userErrors { code } } }`;
const START = `mutation { startConversation(input: { body: "Is my order ready?" }) { conversation { id } userErrors { code } } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } userErrors { code } } }`;

async function customer(email: string) {
  const staff = await supergraph.as('staff', 'support-agent', 'WEB');
  const id = expectData(await staff(IDENTIFY, { input: { identifiers: [{ kind: 'EMAIL', value: email, verified: true }] } })).identifyCustomer.customer.id as string;
  return { id, client: gatewayClient(supergraph.gatewayUrl, await mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: id, channel: 'WEB' })) };
}

describe('a token of a merged-away customer id', () => {
  it('reads and writes the survivor’s conversations', async () => {
    const merged = await customer('inbox.merged@example.org');
    const survivor = await customer('inbox.survivor@example.org');
    const conversationId = expectData(await survivor.client(START)).startConversation.conversation.id as string;
    const admin = await supergraph.as('admin');
    expect(expectData(await admin(MERGE, { input: { survivorId: survivor.id, mergedId: merged.id, reason: 'Same person' } })).mergeCustomers.userErrors).toEqual([]);
    await supergraph.settleEvents();

    const mine = expectData(await merged.client('{ me { id conversations(first: 5) { edges { node { id } } } } }')).me;
    expect(mine).toEqual({ id: survivor.id, conversations: { edges: [{ node: { id: conversationId } }] } });
    expect(expectData(await merged.client('query($id: ID!) { conversation(id: $id) { id } }', { id: conversationId })).conversation).toEqual({ id: conversationId });
    expect(expectData(await merged.client(SEND, { input: { conversationId, body: 'Still me' } })).sendMessage.userErrors).toEqual([]);
    // A new conversation from the old token belongs to the survivor too.
    const started = expectData(await merged.client(START)).startConversation.conversation.id as string;
    const all = expectData(await survivor.client('{ me { conversations(first: 5) { edges { node { id } } } } }')).me.conversations.edges.map((edge: { node: { id: string } }) => edge.node.id);
    expect(all.sort()).toEqual([conversationId, started].sort());
  });
});
