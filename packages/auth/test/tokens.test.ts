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
  worksAt,
} from '../src';

const SECRET = 'unit-test-secret-0123456789abcdefghij';

describe('access tokens', () => {
  it('turns a staff token into a caller bound to its location with the scopes of its role', async () => {
    const token = await mintAccessToken(SECRET, { role: 'staff', sub: 'staff_1', channel: 'POS', location: 'loc_1', staffRole: 'STORE_MANAGER' });
    const caller = callerFromClaims(await verifyAccessToken(SECRET, token));
    expect(caller).toMatchObject({ kind: 'staff', staffId: 'staff_1', staffRole: 'STORE_MANAGER', locationId: 'loc_1', channel: 'POS' });
    expect(caller.scopes).toContain('inventory:write');
    expect(caller.scopes).not.toContain('internal');
    expect(caller.scopes).not.toContain('personal-data:manage');
  });

  it('gives each staff role only what its job needs', async () => {
    const scopesOf = async (staffRole: 'CASHIER' | 'SUPPORT_AGENT' | 'WAREHOUSE') =>
      callerFromClaims(await verifyAccessToken(SECRET, await mintAccessToken(SECRET, { role: 'staff', sub: 'staff_1', channel: 'POS', location: 'loc_1', staffRole }))).scopes;
    const cashier = await scopesOf('CASHIER');
    expect(cashier).toEqual(expect.arrayContaining(['customers:read', 'carts:write', 'returns:write']));
    expect(cashier).not.toEqual(expect.arrayContaining(['inventory:write']));
    expect(cashier.filter((scope) => scope.startsWith('support:') || scope === 'personal-data:manage')).toEqual([]);
    const agent = await scopesOf('SUPPORT_AGENT');
    expect(agent).toEqual(expect.arrayContaining(['support:read', 'customers:merge', 'carts:write']));
    expect(agent.filter((scope) => scope.startsWith('inventory:') || scope === 'personal-data:manage')).toEqual([]);
    const warehouse = await scopesOf('WAREHOUSE');
    expect(warehouse).toEqual(expect.arrayContaining(['inventory:write', 'orders:fulfil']));
    expect(warehouse.filter((scope) => scope.startsWith('customers:') || scope.startsWith('carts:') || scope.startsWith('support:'))).toEqual([]);
  });

  it("names the device a customer signed in from, so only that guest's cart becomes theirs", async () => {
    const signedIn = await mintAccessToken(SECRET, { role: 'customer', sub: 'cus_1', channel: 'MOBILE_APP', guest: 'guest_1' });
    expect(callerFromClaims(await verifyAccessToken(SECRET, signedIn))).toMatchObject({ kind: 'customer', customerId: 'cus_1', guestId: 'guest_1' });
    const plain = callerFromClaims(await verifyAccessToken(SECRET, await mintAccessToken(SECRET, { role: 'customer', sub: 'cus_1', channel: 'WEB' })));
    expect(plain.guestId).toBeUndefined();
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

    const sign = (claims: Record<string, unknown>, subject: string, expires = true) => {
      const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(subject).setIssuer('omnigraph').setAudience('omnigraph-api');
      return (expires ? jwt.setExpirationTime('1h') : jwt).sign(new TextEncoder().encode(SECRET));
    };
    await expect(verifyAccessToken(SECRET, await sign({ role: 'customer', channel: 'WEB' }, 'cus_1', false))).rejects.toThrow(InvalidAccessTokenError);
    for (const subject of ['cus_\u0000', 'cus 1', 'x'.repeat(101)]) {
      await expect(verifyAccessToken(SECRET, await sign({ role: 'customer', channel: 'WEB' }, subject))).rejects.toThrow('Token claims are not valid');
    }

    const staffWithoutRole = await mintAccessToken(SECRET, { role: 'staff', sub: 'staff_1', channel: 'POS', location: 'loc_1' } as never);
    await expect(verifyAccessToken(SECRET, staffWithoutRole)).rejects.toThrow('Token claims are not valid');
  });
});

describe('location-bound permissions', () => {
  it('hold for staff at their own location and for admins anywhere', () => {
    const berlinStaff = callerFromClaims({ role: 'staff', sub: 'staff_1', channel: 'POS', location: 'loc_berlin', staffRole: 'STORE_MANAGER' });
    expect(worksAt(berlinStaff, 'loc_berlin')).toBe(true);
    expect(worksAt(berlinStaff, 'loc_hamburg')).toBe(false);
    expect(worksAt(berlinStaff, null)).toBe(false);
    expect(worksAt(callerFromClaims({ role: 'admin', sub: 'admin_1' }), 'loc_hamburg')).toBe(true);
    expect(worksAt(callerFromClaims({ role: 'customer', sub: 'cus_1', channel: 'WEB' }), 'loc_berlin')).toBe(false);
  });
});

describe('signed caller context', () => {
  it('round-trips the caller and names the issuer', async () => {
    const caller = { kind: 'customer' as const, channel: 'WEB' as const, customerId: 'cus_1', scopes: ['catalog:read' as const] };
    const header = await signCallerContext(SECRET, { caller, query: '{ me { id } }' });
    expect(await verifyCallerContext(SECRET, header)).toMatchObject({ caller, issuer: 'gateway' });
  });

  it('refuses a missing header, another secret and a tampered payload', async () => {
    await expect(verifyCallerContext(SECRET, undefined)).rejects.toThrow(InvalidCallerContextError);
    const caller = { kind: 'customer' as const, channel: 'WEB' as const, customerId: 'cus_1', scopes: [] };
    const foreign = await signCallerContext('another-secret-0123456789abcdefghijkl', { caller, query: '{ me { id } }' });
    await expect(verifyCallerContext(SECRET, foreign)).rejects.toThrow(InvalidCallerContextError);

    const [header, , signature] = (await signCallerContext(SECRET, { caller, query: '{ me { id } }' })).split('.');
    const elevated = Buffer.from(JSON.stringify({ caller: { ...caller, kind: 'admin' }, aud: 'omnigraph-subgraph', exp: 9e9 })).toString('base64url');
    await expect(verifyCallerContext(SECRET, `${header}.${elevated}.${signature}`)).rejects.toThrow(InvalidCallerContextError);
  });
});
