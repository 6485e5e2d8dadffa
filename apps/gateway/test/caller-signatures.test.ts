import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SCOPES_BY_KIND, assertSignedForOperation, mintAccessToken, verifyCallerContext, type Caller } from '@omni/auth';
import { TEST_SIGNING_SECRET, TEST_TOKEN_SECRET } from '@omni/testing';
import { callerResolver } from '../src/caller-from-request';
import { CallerSignatures, SIGNATURE_REUSE_MS } from '../src/transport/caller-signatures';

const customer = (customerId: string, clientAddress = '10.0.0.1'): Caller => ({
  kind: 'customer',
  channel: 'WEB',
  customerId,
  clientAddress,
  scopes: [...SCOPES_BY_KIND.customer],
});

const operation = (id: string) => ({ query: 'query($id: ID!) { cart(id: $id) { id } }', variables: { id }, operationName: null });
const bodyOf = (op: ReturnType<typeof operation>) => JSON.stringify(op);

afterEach(() => {
  vi.useRealTimers();
});

describe('caller headers reused for repeated fetches', () => {
  it('sends the header signed for a fetch with the same fetch of the same caller while it is fresh, and signs afresh after', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = new Date('2026-03-01T12:00:00Z').getTime();
    vi.setSystemTime(start);
    const signatures = new CallerSignatures(TEST_SIGNING_SECRET);
    const caller = customer('cus_1');
    const op = operation('cart_1');

    const first = await signatures.headerFor(caller, op, bodyOf(op));
    vi.setSystemTime(start + 1_000);
    // Another object with the same values: what the executor builds for every request.
    const again = await signatures.headerFor(caller, operation('cart_1'), bodyOf(operation('cart_1')));
    expect(again).toBe(first);

    // The last moment a header is reused, it still has two thirds of its lifetime ahead.
    vi.setSystemTime(start + SIGNATURE_REUSE_MS - 1);
    expect(await signatures.headerFor(caller, op, bodyOf(op))).toBe(first);
    vi.setSystemTime(start + SIGNATURE_REUSE_MS * 2);
    const verified = await verifyCallerContext(TEST_SIGNING_SECRET, first);
    expect(verified.caller).toEqual(caller);
    expect(() => assertSignedForOperation(verified, op)).not.toThrow();

    vi.setSystemTime(start + SIGNATURE_REUSE_MS);
    const later = await signatures.headerFor(caller, op, bodyOf(op));
    expect(later).not.toBe(first);
    vi.setSystemTime(start + SIGNATURE_REUSE_MS * 3);
    await expect(verifyCallerContext(TEST_SIGNING_SECRET, later)).resolves.toMatchObject({ caller });
  });

  it('never hands one caller or one operation the header of another', async () => {
    const signatures = new CallerSignatures(TEST_SIGNING_SECRET);
    const op = operation('cart_1');
    const other = operation('cart_2');
    const headers = [
      await signatures.headerFor(customer('cus_1'), op, bodyOf(op)),
      await signatures.headerFor(customer('cus_2'), op, bodyOf(op)),
      await signatures.headerFor(customer('cus_1', '10.0.0.2'), op, bodyOf(op)),
      await signatures.headerFor(customer('cus_1'), other, bodyOf(other)),
    ];
    expect(new Set(headers).size).toBe(4);
    const verified = await Promise.all(headers.map((header) => verifyCallerContext(TEST_SIGNING_SECRET, header)));
    expect(verified.map(({ caller }) => [caller.customerId, caller.clientAddress])).toEqual([
      ['cus_1', '10.0.0.1'],
      ['cus_2', '10.0.0.1'],
      ['cus_1', '10.0.0.2'],
      ['cus_1', '10.0.0.1'],
    ]);
    expect(() => assertSignedForOperation(verified[3]!, other)).not.toThrow();
    expect(() => assertSignedForOperation(verified[3]!, op)).toThrow();
  });

  it('forgets stale headers as it signs new ones', async () => {
    let nowMs = 0;
    const signatures = new CallerSignatures(TEST_SIGNING_SECRET, () => nowMs);
    for (let i = 0; i < 5; i++) await signatures.headerFor(customer('cus_1'), operation(`cart_${i}`), bodyOf(operation(`cart_${i}`)));
    expect(signatures.size).toBe(5);
    nowMs = SIGNATURE_REUSE_MS;
    await signatures.headerFor(customer('cus_1'), operation('cart_9'), bodyOf(operation('cart_9')));
    expect(signatures.size).toBe(1);
  });
});

describe('callers remembered per client', () => {
  const request = (headers: Record<string, string>, remoteAddress = '10.0.0.1') => ({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;

  it('gives the requests of one token from one address the same frozen caller, and others their own', async () => {
    const callerOf = callerResolver(TEST_TOKEN_SECRET);
    const token = await mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: 'cus_1', channel: 'WEB' });
    const otherToken = await mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: 'cus_2', channel: 'WEB' });
    const first = await callerOf(request({ authorization: `Bearer ${token}` }));
    const second = await callerOf(request({ authorization: `Bearer ${token}` }));
    expect(second).toBe(first);
    expect(first).toMatchObject({ kind: 'customer', customerId: 'cus_1', clientAddress: '10.0.0.1' });
    expect(Object.isFrozen(first) && Object.isFrozen(first.scopes)).toBe(true);

    const elsewhere = await callerOf(request({ authorization: `Bearer ${token}` }, '10.0.0.2'));
    expect(elsewhere).toMatchObject({ customerId: 'cus_1', clientAddress: '10.0.0.2' });
    expect((await callerOf(request({ authorization: `Bearer ${otherToken}` }))).customerId).toBe('cus_2');

    const anonymous = await callerOf(request({ 'x-omni-channel': 'MOBILE_APP' }));
    expect(await callerOf(request({ 'x-omni-channel': 'MOBILE_APP' }))).toBe(anonymous);
    expect(anonymous).toMatchObject({ kind: 'anonymous', channel: 'MOBILE_APP', clientAddress: '10.0.0.1' });
    expect((await callerOf(request({}))).channel).toBe('WEB');
  });

  it('still refuses a remembered token once it has expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const callerOf = callerResolver(TEST_TOKEN_SECRET);
    const token = await mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: 'cus_1', channel: 'WEB' }, { expiresIn: '1h' });
    expect((await callerOf(request({ authorization: `Bearer ${token}` }))).customerId).toBe('cus_1');
    vi.setSystemTime(Date.now() + 2 * 60 * 60 * 1000);
    await expect(callerOf(request({ authorization: `Bearer ${token}` }))).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
