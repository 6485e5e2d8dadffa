import { SignJWT, decodeJwt } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  assertSignedForOperation,
  canonicalJson,
  CALLER_CONTEXT_LIFETIME_SECONDS,
  CLOCK_TOLERANCE_SECONDS,
  InvalidCallerContextError,
  SCOPES_BY_KIND,
  signCallerContext,
  verifyCallerContext,
  type Caller,
} from '../src';

const SECRET = 'unit-test-secret-0123456789abcdefghij';
const QUERY = '{ me { id } }';
const admin: Caller = { kind: 'admin', channel: 'WEB', staffId: 'admin', scopes: [...SCOPES_BY_KIND.admin] };
const supportService: Caller = { kind: 'service', channel: 'WEB', service: 'support', scopes: [...SCOPES_BY_KIND.service] };

/** Signs claims directly, as a service holding the shared secret could, bypassing signCallerContext's own rules. */
function forge(claims: Record<string, unknown>, issuer: string) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer(issuer).setAudience('omnigraph-subgraph').setIssuedAt().setExpirationTime('10s').sign(new TextEncoder().encode(SECRET));
}

afterEach(() => {
  vi.useRealTimers();
});

async function reasonOf(promise: Promise<unknown>) {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(InvalidCallerContextError);
  return (error as InvalidCallerContextError).reason;
}

describe('caller header bound to one operation', () => {
  it('lives seconds, not a minute, and names the operation it was issued for', async () => {
    const header = await signCallerContext(SECRET, { caller: admin, query: QUERY });
    const { iat, exp } = decodeJwt(header);
    expect(exp! - iat!).toBe(CALLER_CONTEXT_LIFETIME_SECONDS);
    expect(CALLER_CONTEXT_LIFETIME_SECONDS).toBeLessThanOrEqual(30);

    const verified = await verifyCallerContext(SECRET, header);
    expect(() => assertSignedForOperation(verified, { query: QUERY })).not.toThrow();
    expect(() => assertSignedForOperation(verified, { query: '{ customers(first: 100) { edges { node { email } } } }' })).toThrow(InvalidCallerContextError);
  });

  it('is accepted for its lifetime plus the clock tolerance, and no longer', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const signedAt = new Date('2026-03-01T12:00:00Z');
    vi.setSystemTime(signedAt);
    const header = await signCallerContext(SECRET, { caller: admin, query: QUERY });
    const acceptedFor = CALLER_CONTEXT_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS;
    expect(acceptedFor).toBe(20);
    vi.setSystemTime(new Date(signedAt.getTime() + (acceptedFor - 1) * 1000));
    await expect(verifyCallerContext(SECRET, header)).resolves.toMatchObject({ caller: admin });
    vi.setSystemTime(new Date(signedAt.getTime() + (acceptedFor + 1) * 1000));
    expect(await reasonOf(verifyCallerContext(SECRET, header))).toBe('expired');
  });

  it('refuses a header without an operation claim', async () => {
    expect(await reasonOf(verifyCallerContext(SECRET, await forge({ caller: admin }, 'gateway')))).toBe('claims');
  });

  it('tells a foreign secret from an expired header', async () => {
    const foreign = await signCallerContext('another-secret-0123456789abcdefghijkl', { caller: admin, query: QUERY });
    expect(await reasonOf(verifyCallerContext(SECRET, foreign))).toBe('signature');
    const old = await new SignJWT({ caller: admin, op: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('gateway')
      .setAudience('omnigraph-subgraph')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 120)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(SECRET));
    expect(await reasonOf(verifyCallerContext(SECRET, old))).toBe('expired');
  });
});

describe('caller header bound to the variables and operation name', () => {
  const MUTATION = 'mutation Adjust($i: AdjustInventoryInput!) { adjustInventory(input: $i) { quantity } }';
  const variables = { i: { variantId: 'var_1', locationId: 'loc_1', delta: 1, idempotencyKey: 'k-1' } };

  it('refuses the same operation with other variables, another operation name or variables added', async () => {
    const verified = await verifyCallerContext(SECRET, await signCallerContext(SECRET, { caller: admin, query: MUTATION, variables, operationName: 'Adjust' }));
    expect(() => assertSignedForOperation(verified, { query: MUTATION, variables, operationName: 'Adjust' })).not.toThrow();
    const replays = [
      { query: MUTATION, variables: { i: { ...variables.i, delta: 500, idempotencyKey: 'k-2' } }, operationName: 'Adjust' },
      { query: MUTATION, variables: { i: { ...variables.i, delta: '1' } }, operationName: 'Adjust' },
      { query: MUTATION, variables, operationName: 'Other' },
      { query: MUTATION, variables },
      { query: MUTATION, variables: { ...variables, extra: true }, operationName: 'Adjust' },
      { query: MUTATION, operationName: 'Adjust' },
    ];
    for (const replay of replays) {
      const error = (() => {
        try {
          assertSignedForOperation(verified, replay);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error, JSON.stringify(replay)).toBeInstanceOf(InvalidCallerContextError);
      expect((error as InvalidCallerContextError).reason).toBe('operation');
    }
  });

  it('agrees with the receiver whatever key order the JSON had, and whatever the wire leaves out', async () => {
    const sent = { i: { delta: 1, idempotencyKey: 'k-1', note: undefined, locationId: 'loc_1', variantId: 'var_1' } };
    const verified = await verifyCallerContext(SECRET, await signCallerContext(SECRET, { caller: admin, query: MUTATION, variables: sent, operationName: undefined }));
    // What the receiver parses from the body the sender serialised, and the same with keys reordered.
    const received = JSON.parse(JSON.stringify({ variables: sent, operationName: undefined })) as { variables: unknown; operationName?: string };
    expect(() => assertSignedForOperation(verified, { query: MUTATION, ...received })).not.toThrow();
    expect(() => assertSignedForOperation(verified, { query: MUTATION, variables, operationName: null })).not.toThrow();
  });

  it('treats absent, null and empty variables alike', async () => {
    const verified = await verifyCallerContext(SECRET, await signCallerContext(SECRET, { caller: admin, query: QUERY }));
    for (const empty of [undefined, null, {}]) expect(() => assertSignedForOperation(verified, { query: QUERY, variables: empty })).not.toThrow();
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every level and writes values as JSON.stringify does', () => {
    const entity = Object.assign(Object.create(null) as Record<string, unknown>, { __typename: 'Product', id: 'p1' });
    expect(canonicalJson({ b: [3, { z: 1, a: null }], a: 'x\u0000"', c: undefined, d: new Date('2026-01-01T00:00:00Z'), e: -0, f: Number.NaN, g: [undefined], h: entity })).toBe(
      '{"a":"x\\u0000\\"","b":[3,{"a":null,"z":1}],"d":"2026-01-01T00:00:00.000Z","e":0,"f":null,"g":[null],"h":{"__typename":"Product","id":"p1"}}',
    );
    for (const value of [1.5e300, 'é\ud83d\ude00', true, null, [], {}, 12345678901234567890]) expect(canonicalJson(value)).toBe(JSON.stringify(value));
    expect(canonicalJson({ '10': 1, '2': 2, b: 3, a: 4 })).toBe('{"10":1,"2":2,"a":4,"b":3}');
  });

  it('walks values nested far deeper than the call stack allows', () => {
    let deep: unknown = 'x';
    for (let level = 0; level < 200_000; level++) deep = level % 2 ? [deep] : { k: deep };
    // Each object level writes `{"k":` and `}`, each list level `[` and `]`.
    expect(canonicalJson(deep)).toHaveLength(100_000 * 6 + 100_000 * 2 + '"x"'.length);
  });

  it('refuses what JSON cannot carry', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(TypeError);
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
  });
});

describe('who may sign for whom', () => {
  it('lets a service act as itself', async () => {
    const header = await signCallerContext(SECRET, { caller: supportService, query: QUERY, issuer: 'support' });
    expect(await verifyCallerContext(SECRET, header)).toMatchObject({ caller: supportService, issuer: 'support' });
  });

  it('refuses a header from a sibling service that claims to be an admin, a customer or another service', async () => {
    const customer: Caller = { kind: 'customer', channel: 'WEB', customerId: 'cus_1', scopes: [...SCOPES_BY_KIND.customer] };
    const claimsOf = (caller: Caller) => ({ caller, op: 'x' });
    for (const caller of [admin, customer, { ...supportService, service: 'catalog' }, { ...supportService, scopes: [...SCOPES_BY_KIND.admin] }, { ...supportService, customerId: 'cus_1' }]) {
      expect(await reasonOf(verifyCallerContext(SECRET, await forge(claimsOf(caller as Caller), 'support')))).toBe('issuer');
    }
  });

  it('refuses a service caller signed as the gateway', async () => {
    expect(await reasonOf(verifyCallerContext(SECRET, await forge({ caller: supportService, op: 'x' }, 'gateway')))).toBe('issuer');
  });

  it('never mints a caller above the signer', async () => {
    await expect(signCallerContext(SECRET, { caller: admin, query: QUERY, issuer: 'support' })).rejects.toThrow(InvalidCallerContextError);
    await expect(signCallerContext(SECRET, { caller: supportService, query: QUERY })).rejects.toThrow(InvalidCallerContextError);
  });
});
