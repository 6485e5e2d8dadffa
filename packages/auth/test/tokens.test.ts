import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  callerFromClaims,
  InvalidAccessTokenError,
  InvalidCallerContextError,
  mintAccessToken,
  signCallerContext,
  verifyAccessToken,
  verifyCallerContext,
} from '../src';

const SECRET = 'unit-test-secret-0123456789abcdefghij';

describe('access tokens', () => {
  it('turns a staff token into a caller bound to its location with staff scopes', async () => {
    const token = await mintAccessToken(SECRET, { role: 'staff', sub: 'staff_1', channel: 'POS', location: 'loc_1' });
    const caller = callerFromClaims(await verifyAccessToken(SECRET, token));
    expect(caller).toMatchObject({ kind: 'staff', staffId: 'staff_1', locationId: 'loc_1', channel: 'POS' });
    expect(caller.scopes).toContain('inventory:write');
    expect(caller.scopes).not.toContain('internal');
  });

  it('gives partners catalog read and nothing else', async () => {
    const token = await mintAccessToken(SECRET, { role: 'partner', sub: 'partner_acme' });
    expect(callerFromClaims(await verifyAccessToken(SECRET, token))).toEqual({
      kind: 'partner',
      channel: 'MARKETPLACE',
      partnerId: 'partner_acme',
      scopes: ['catalog:read'],
    });
  });

  it('refuses tokens signed with another secret, expired tokens and tokens with missing claims', async () => {
    const other = await mintAccessToken('another-secret-0123456789abcdefghijkl', { role: 'customer', sub: 'cus_1', channel: 'WEB' });
    await expect(verifyAccessToken(SECRET, other)).rejects.toThrow(InvalidAccessTokenError);

    const expired = await mintAccessToken(SECRET, { role: 'customer', sub: 'cus_1', channel: 'WEB' }, { expiresIn: -10 });
    await expect(verifyAccessToken(SECRET, expired)).rejects.toThrow('Token has expired');

    const staffWithoutLocation = await new SignJWT({ role: 'staff', channel: 'POS' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('staff_1')
      .setIssuer('omnigraph')
      .setAudience('omnigraph-api')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    await expect(verifyAccessToken(SECRET, staffWithoutLocation)).rejects.toThrow('Token claims are not valid');
  });
});

describe('signed caller context', () => {
  it('round-trips the caller and names the issuer', async () => {
    const caller = { kind: 'customer' as const, channel: 'WEB' as const, customerId: 'cus_1', scopes: ['catalog:read' as const] };
    const header = await signCallerContext(SECRET, caller);
    expect(await verifyCallerContext(SECRET, header)).toEqual({ caller, issuer: 'gateway' });
  });

  it('refuses a missing header, another secret and a tampered payload', async () => {
    await expect(verifyCallerContext(SECRET, undefined)).rejects.toThrow(InvalidCallerContextError);
    const caller = { kind: 'customer' as const, channel: 'WEB' as const, customerId: 'cus_1', scopes: [] };
    const foreign = await signCallerContext('another-secret-0123456789abcdefghijkl', caller);
    await expect(verifyCallerContext(SECRET, foreign)).rejects.toThrow(InvalidCallerContextError);

    const [header, , signature] = (await signCallerContext(SECRET, caller)).split('.');
    const elevated = Buffer.from(JSON.stringify({ caller: { ...caller, kind: 'admin' }, aud: 'omnigraph-subgraph', exp: 9e9 })).toString('base64url');
    await expect(verifyCallerContext(SECRET, `${header}.${elevated}.${signature}`)).rejects.toThrow(InvalidCallerContextError);
  });
});
