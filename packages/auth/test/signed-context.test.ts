import { SignJWT, decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  assertSignedForOperation,
  CALLER_CONTEXT_LIFETIME_SECONDS,
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
    expect(() => assertSignedForOperation(verified, QUERY)).not.toThrow();
    expect(() => assertSignedForOperation(verified, '{ customers(first: 100) { edges { node { email } } } }')).toThrow(InvalidCallerContextError);
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
