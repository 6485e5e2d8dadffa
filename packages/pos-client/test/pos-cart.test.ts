import { describe, expect, it } from 'vitest';
import { createMemoryStore, PosCart, RequestRefusedError, type PosCartOptions } from '../src/index';
import { createFakeGateway } from './fake-gateway';

function setup(overrides: Partial<PosCartOptions> = {}) {
  const gateway = createFakeGateway();
  const store = createMemoryStore();
  const delays: number[] = [];
  let ids = 0;
  let now = Date.parse('2026-11-01T10:00:00.000Z');
  const options: PosCartOptions = {
    cartId: 'cart_1',
    deviceId: 'till-1',
    transport: gateway.transport,
    store,
    newId: () => `op-${++ids}`,
    clock: () => new Date((now += 1000)),
    random: () => 0.5,
    sleep: async (ms) => void delays.push(ms),
    ...overrides,
  };
  return { gateway, store, delays, options, open: () => PosCart.open(options) };
}

describe('PosCart', () => {
  it('shows changes at once and queues them with an opId and the till time', async () => {
    const { open, gateway } = setup();
    const cart = await open();
    await cart.addLine('var_a', 2);
    await cart.addLine('var_a', 1);
    await cart.addLine('var_b', 1);
    await cart.setQuantity('var_b', 4);
    await cart.removeLine('var_a');
    expect(cart.view().lines).toEqual([{ id: null, variantId: 'var_b', quantity: 4 }]);
    expect(cart.pending().map((operation) => [operation.opId, operation.kind, operation.deviceTime])).toEqual([
      ['op-1', 'ADD_LINE', '2026-11-01T10:00:01.000Z'],
      ['op-2', 'ADD_LINE', '2026-11-01T10:00:02.000Z'],
      ['op-3', 'ADD_LINE', '2026-11-01T10:00:03.000Z'],
      ['op-4', 'SET_QUANTITY', '2026-11-01T10:00:04.000Z'],
      ['op-5', 'REMOVE_LINE', '2026-11-01T10:00:05.000Z'],
    ]);
    expect(gateway.requests).toEqual([]);
  });

  it('uploads the queue, records each result and takes the canonical cart', async () => {
    const { open, gateway } = setup();
    const cart = await open();
    await cart.addLine('var_a', 2);
    await cart.setQuantity('var_c', 3);
    const report = await cart.flush();
    expect(report.results.map((result) => [result.opId, result.status, result.reason])).toEqual([
      ['op-1', 'APPLIED', null],
      ['op-2', 'REJECTED', 'LINE_REMOVED'],
    ]);
    expect(cart.result('op-2')).toMatchObject({ status: 'REJECTED', reason: 'LINE_REMOVED' });
    expect(cart.pending()).toEqual([]);
    expect(cart.canonical()).toMatchObject({ version: 2, lines: [{ id: 'line_var_a', variantId: 'var_a', quantity: 2 }] });
    expect(gateway.requests[0]!.variables.input).toMatchObject({ cartId: 'cart_1', deviceId: 'till-1', baseVersion: 1 });
  });

  it('resends the same opIds after a lost answer, so the server applies them once', async () => {
    const { open, gateway, delays } = setup();
    const cart = await open();
    await cart.addLine('var_a', 1);
    await cart.addLine('var_a', 1);
    gateway.network('lost-request', 'lost-answer', 'lost-answer');
    await cart.flush();
    expect(gateway.requests).toHaveLength(4);
    expect(new Set(gateway.requests.map((request) => JSON.stringify(request.variables.input.operations))).size).toBe(1);
    expect(gateway.lines()).toEqual({ var_a: 2 });
    expect(gateway.applied()).toBe(2);
    expect(cart.canonical()!.lines[0]!.quantity).toBe(2);
    // Full jitter at random() = 0.5: half of 250, 500, 1000 ms.
    expect(delays).toEqual([125, 250, 500]);
  });

  it('keeps the queue when the network stays down, and a later flush delivers it', async () => {
    const { open, gateway } = setup({ maxAttempts: 3 });
    const cart = await open();
    await cart.addLine('var_a', 1);
    gateway.network('lost-request', 'lost-answer', 'lost-request');
    await expect(cart.flush()).rejects.toThrow('network down');
    expect(cart.pending()).toHaveLength(1);
    await cart.flush();
    expect(cart.pending()).toEqual([]);
    expect(gateway.lines()).toEqual({ var_a: 1 });
  });

  it('keeps changes made during a flush for the next one', async () => {
    const { open, gateway, options } = setup();
    let cart!: PosCart;
    const execute = gateway.transport.execute.bind(gateway.transport);
    let first = true;
    options.transport = {
      execute: async (query, variables) => {
        if (first) {
          first = false;
          await cart.addLine('var_b', 1);
        }
        return execute(query, variables);
      },
    };
    cart = await PosCart.open(options);
    await cart.addLine('var_a', 1);
    await cart.flush();
    expect(cart.pending().map((operation) => operation.variantId)).toEqual(['var_b']);
    expect(cart.view().lines.map((line) => [line.variantId, line.quantity])).toEqual([
      ['var_a', 1],
      ['var_b', 1],
    ]);
    await cart.flush();
    expect(gateway.lines()).toEqual({ var_a: 1, var_b: 1 });
  });

  it('takes changes other devices made and keeps unsent ones on top', async () => {
    const { open, gateway } = setup();
    const cart = await open();
    gateway.otherDevice('var_z', 5);
    await cart.addLine('var_a', 1);
    const report = await cart.flush();
    expect(report.changedElsewhere).toBe(true);
    await cart.addLine('var_z', 1);
    expect(cart.view().lines.map((line) => [line.variantId, line.quantity])).toEqual([
      ['var_z', 6],
      ['var_a', 1],
    ]);
  });

  it('survives a restart: the queue and the canonical cart come back from the store', async () => {
    const { open, gateway } = setup();
    const before = await open();
    await before.addLine('var_a', 1);
    await before.flush();
    await before.addLine('var_b', 2);
    const after = await open();
    expect(after.pending().map((operation) => operation.opId)).toEqual(['op-2']);
    expect(after.canonical()?.version).toBe(2);
    await after.flush();
    expect(gateway.lines()).toEqual({ var_a: 1, var_b: 2 });
  });

  it('splits a refused batch so only the offending operation is refused', async () => {
    const { open, gateway } = setup();
    const cart = await open();
    for (const variant of ['var_a', 'var_b', 'var_bad', 'var_c']) await cart.addLine(variant, 1);
    gateway.refuseWhen((operation) => (operation.variantId === 'var_bad' ? { code: 'INVALID', message: 'bad' } : null));
    const report = await cart.flush();
    expect(report.refused.map((refused) => refused.operations.map((operation) => operation.variantId))).toEqual([['var_bad']]);
    expect(cart.refused()).toHaveLength(1);
    expect(gateway.lines()).toEqual({ var_a: 1, var_b: 1, var_c: 1 });
    expect(cart.pending()).toEqual([]);
  });

  it('sends batches no larger than batchSize', async () => {
    const { open, gateway } = setup({ batchSize: 2 });
    const cart = await open();
    for (let index = 0; index < 5; index++) await cart.addLine('var_a', 1);
    await cart.flush();
    expect(gateway.requests.map((request) => request.variables.input.operations.length)).toEqual([2, 2, 1]);
    expect(gateway.lines()).toEqual({ var_a: 5 });
  });

  it('does not retry a request the server refused outright', async () => {
    const { options } = setup();
    let calls = 0;
    options.transport = {
      execute: async () => {
        calls++;
        throw new RequestRefusedError('Not allowed', ['FORBIDDEN']);
      },
    };
    const cart = await PosCart.open(options);
    await cart.addLine('var_a', 1);
    await expect(cart.flush()).rejects.toBeInstanceOf(RequestRefusedError);
    expect(calls).toBe(1);
    expect(cart.pending()).toHaveLength(1);
  });

  it('ignores a live cart older than the one held, takes a newer one', async () => {
    const { open, gateway } = setup();
    const cart = await open();
    await cart.addLine('var_a', 1);
    await cart.flush();
    const stale = { id: 'cart_1', version: 1, status: 'ACTIVE', customerId: null, couponCodes: [], lines: [] };
    expect(await cart.applyCanonicalCart(stale)).toBe(false);
    gateway.otherDevice('var_a', 7);
    expect(await cart.applyCanonicalCart({ ...stale, version: 3, lines: [{ id: 'line_var_a', variantId: 'var_a', quantity: 7 }] })).toBe(true);
    expect(cart.view().lines[0]!.quantity).toBe(7);
  });
});
