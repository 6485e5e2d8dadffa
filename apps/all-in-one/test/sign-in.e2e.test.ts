import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, gatewayClient } from '@omni/testing';
import type { CodeSender } from '@omni/subgraph-customer';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/** Sign-in with a one-time code through the gateway, and the limits that keep it from being abused. */
const sent: { kind: string; value: string; code: string }[] = [];
const codeSender: CodeSender = { send: async ({ kind, value, code }) => void sent.push({ kind, value, code }) };
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph({ codeSender });
});
afterAll(async () => {
  await supergraph?.close();
});

const REQUEST = `mutation($input: RequestSignInCodeInput!) { requestSignInCode(input: $input) { challengeId userErrors { code field message } } }`;
const SIGN_IN = `mutation($input: SignInWithCodeInput!) { signInWithCode(input: $input) { accessToken customer { id } userErrors { code message } } }`;
/** Codes one client (here every request comes from 127.0.0.1) may ask for in an hour; see the customer README. */
const CODES_PER_CLIENT_HOURLY = 20;

describe('sign-in with a one-time code through the gateway', () => {
  it('signs a guest in with the code the sender received, and the token opens their profile', async () => {
    const asGuest = await supergraph.as('guest', 'sign-in-e2e', 'MOBILE_APP');
    const requested = expectData(await asGuest(REQUEST, { input: { kind: 'EMAIL', value: ' Signed.In@Example.com ' } })).requestSignInCode;
    expect(requested.userErrors).toEqual([]);
    expect(sent).toEqual([{ kind: 'EMAIL', value: 'signed.in@example.com', code: expect.stringMatching(/^\d{6}$/) }]);

    const signedIn = expectData(await asGuest(SIGN_IN, { input: { challengeId: requested.challengeId, code: sent[0]!.code } })).signInWithCode;
    expect(signedIn.userErrors).toEqual([]);
    const asCustomer = gatewayClient(supergraph.gatewayUrl, signedIn.accessToken);
    const me = expectData(await asCustomer(`{ me { id identities { kind value verified } } }`)).me;
    expect(me.id).toBe(signedIn.customer.id);
    expect(me.identities).toContainEqual({ kind: 'EMAIL', value: 'signed.in@example.com', verified: true });
  });

  it('limits codes per client by the address the gateway saw, whatever the tokens', async () => {
    const before = sent.length;
    const clients = [supergraph.anonymous, await supergraph.as('guest', 'sign-in-e2e-2'), await supergraph.as('guest', 'sign-in-e2e-3')];
    const payloads = [];
    for (let i = 0; i < 25; i += 1) {
      payloads.push(expectData(await clients[i % clients.length]!(REQUEST, { input: { kind: 'EMAIL', value: `spray-${i}@example.com` } })).requestSignInCode);
    }
    // The first test's request came from the same address and counts too.
    expect(sent.length - before).toBe(CODES_PER_CLIENT_HOURLY - 1);
    const refused = payloads.filter((payload) => payload.userErrors.length);
    expect(refused).toHaveLength(25 - (CODES_PER_CLIENT_HOURLY - 1));
    for (const payload of refused) {
      expect(payload).toEqual({ challengeId: null, userErrors: [{ code: 'RATE_LIMITED', field: null, message: expect.stringMatching(/^Too many codes were requested from this device or network; try again in (59|60) minutes$/) }] });
    }
  });
});
