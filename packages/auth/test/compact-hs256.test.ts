import { SignJWT, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { CompactTokenError, signCompactHs256, verifyCompactHs256 } from '../src/compact-hs256';

const SECRET = 'unit-test-secret-0123456789abcdefghij';
const key = new TextEncoder().encode(SECRET);
const options = { audience: 'omnigraph-subgraph', requiredClaims: ['iss', 'exp'], clockToleranceSeconds: 5 };
const now = () => Math.floor(Date.now() / 1000);
const claims = () => ({ iss: 'gateway', aud: 'omnigraph-subgraph', iat: now(), exp: now() + 15, op: 'digest' });

function failureOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(CompactTokenError);
    return (error as CompactTokenError).failure;
  }
}

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('compact HS256 tokens', () => {
  it('are JWTs a JOSE library verifies, and verify what such a library signs', async () => {
    const token = signCompactHs256(SECRET, claims());
    const { payload } = await jwtVerify(token, key, { audience: 'omnigraph-subgraph', algorithms: ['HS256'] });
    expect(payload).toMatchObject({ iss: 'gateway', op: 'digest' });

    const fromJose = await new SignJWT({ op: 'digest' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer('gateway').setAudience(['other', 'omnigraph-subgraph']).setIssuedAt().setExpirationTime('15s').sign(key);
    expect(verifyCompactHs256(SECRET, fromJose, options)).toMatchObject({ iss: 'gateway', op: 'digest' });
  });

  it('refuse a changed payload, a changed signature and another secret', () => {
    const [header, , signature] = signCompactHs256(SECRET, claims()).split('.');
    expect(failureOf(() => verifyCompactHs256(SECRET, `${header}.${segment({ ...claims(), op: 'other' })}.${signature}`, options))).toBe('signature');
    const token = signCompactHs256(SECRET, claims());
    const flipped = `${token.slice(0, -2)}${token.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(failureOf(() => verifyCompactHs256(SECRET, flipped, options))).toBe('signature');
    expect(failureOf(() => verifyCompactHs256('another-secret-0123456789abcdefghijkl', token, options))).toBe('signature');
  });

  it('accept no algorithm but HS256: `none` and critical extensions are refused', () => {
    const payload = segment(claims());
    expect(failureOf(() => verifyCompactHs256(SECRET, `${segment({ alg: 'none' })}.${payload}.`, options))).toBe('malformed');
    const crit = `${segment({ alg: 'HS256', crit: ['x'], x: 1 })}.${payload}`;
    expect(failureOf(() => verifyCompactHs256(SECRET, `${crit}.signature`, options))).toBe('malformed');
    expect(failureOf(() => verifyCompactHs256(SECRET, 'not-a-token', options))).toBe('malformed');
    expect(failureOf(() => verifyCompactHs256(SECRET, 'a.b.c.d', options))).toBe('malformed');
  });

  it('check audience, required claims, expiry and not-before within the clock tolerance', () => {
    expect(failureOf(() => verifyCompactHs256(SECRET, signCompactHs256(SECRET, { ...claims(), aud: 'omnigraph-api' }), options))).toBe('claims');
    const { iss: _iss, ...withoutIssuer } = claims();
    expect(failureOf(() => verifyCompactHs256(SECRET, signCompactHs256(SECRET, withoutIssuer), options))).toBe('claims');
    expect(failureOf(() => verifyCompactHs256(SECRET, signCompactHs256(SECRET, { ...claims(), exp: 'later' }), options))).toBe('claims');
    expect(failureOf(() => verifyCompactHs256(SECRET, signCompactHs256(SECRET, { ...claims(), exp: now() - 6 }), options))).toBe('expired');
    expect(verifyCompactHs256(SECRET, signCompactHs256(SECRET, { ...claims(), exp: now() - 4 }), options)).toMatchObject({ op: 'digest' });
    expect(failureOf(() => verifyCompactHs256(SECRET, signCompactHs256(SECRET, { ...claims(), nbf: now() + 60 }), options))).toBe('claims');
  });
});
