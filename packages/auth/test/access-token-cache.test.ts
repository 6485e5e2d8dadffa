import { describe, expect, it } from 'vitest';
import { createAccessTokenVerifier, InvalidAccessTokenError, mintAccessToken } from '../src';

const SECRET = 'unit-test-secret-0123456789abcdefghij';

describe('verified access tokens remembered until they expire', () => {
  it('answers a repeated token from memory, with the same claims', async () => {
    const verify = createAccessTokenVerifier(SECRET);
    const token = await mintAccessToken(SECRET, { role: 'customer', sub: 'cus_1', channel: 'WEB' });
    const first = await verify(token);
    expect(verify.size).toBe(1);
    expect(await verify(token)).toEqual(first);
    expect(first).toMatchObject({ role: 'customer', sub: 'cus_1' });
  });

  it('refuses a remembered token once it has expired', async () => {
    let clock = Date.now();
    const verify = createAccessTokenVerifier(SECRET, 10, () => clock);
    const token = await mintAccessToken(SECRET, { role: 'customer', sub: 'cus_1', channel: 'WEB' }, { expiresIn: '60s' });
    await verify(token);
    clock += 61_000;
    await expect(verify(token)).rejects.toThrow('Token has expired');
    expect(verify.size).toBe(0);
  });

  it('remembers nothing that did not verify: a tampered or foreign token is refused every time', async () => {
    const verify = createAccessTokenVerifier(SECRET);
    const token = await mintAccessToken(SECRET, { role: 'customer', sub: 'cus_1', channel: 'WEB' });
    const [header, , signature] = token.split('.');
    const elevated = Buffer.from(JSON.stringify({ role: 'admin', sub: 'cus_1', iss: 'omnigraph', aud: 'omnigraph-api', exp: 9_999_999_999 })).toString('base64url');
    await verify(token);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await expect(verify(`${header}.${elevated}.${signature}`)).rejects.toThrow(InvalidAccessTokenError);
      await expect(verify(await mintAccessToken('another-secret-0123456789abcdefghijkl', { role: 'admin', sub: 'x' }))).rejects.toThrow(InvalidAccessTokenError);
    }
    expect(verify.size).toBe(1);
  });

  it('keeps at most its bound, dropping the least recently used token', async () => {
    const verify = createAccessTokenVerifier(SECRET, 2);
    const [a, b, c] = await Promise.all(['cus_a', 'cus_b', 'cus_c'].map((sub) => mintAccessToken(SECRET, { role: 'customer', sub, channel: 'WEB' })));
    await verify(a!);
    await verify(b!);
    await verify(a!);
    await verify(c!);
    expect(verify.size).toBe(2);
    // b was the least recently used; verifying it again adds it back and drops a.
    await verify(b!);
    expect(verify.size).toBe(2);
  });
});
