import { describe, expect, it } from 'vitest';
import { captureLogs, createObservedRequest, currentRequestId, logger, MAX_OPERATIONS_PER_SERVICE, operationLabel, requestIdFrom, requestOutcome, runInRequestContext, traceStatement, tracingEnabled } from '../src';

describe('request ids', () => {
  it("keeps a caller's printable id of at most 128 characters and makes up one otherwise", () => {
    expect(requestIdFrom('a1b2-C3_d4:e5/f6')).toBe('a1b2-C3_d4:e5/f6');
    expect(requestIdFrom(['first', 'second'])).toBe('first');
    expect(requestIdFrom('x'.repeat(128))).toBe('x'.repeat(128));
    for (const refused of [undefined, '', 'x'.repeat(129), 'with space', 'line\nbreak', 'nul\u0000', 'caf\u00e9']) {
      expect(requestIdFrom(refused)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });

  it('puts the id and the service on every line written while a request is served, and on no other', async () => {
    const logs = captureLogs();
    await runInRequestContext({ requestId: 'req-1', service: 'cart' }, async () => {
      await Promise.resolve();
      expect(currentRequestId()).toBe('req-1');
      logger.warn('inside');
    });
    logger.warn('outside');
    logs.restore();
    expect(logs.lines).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'inside', requestId: 'req-1', service: 'cart' }),
      expect.not.objectContaining({ requestId: expect.anything() }),
    ]);
    expect(currentRequestId()).toBeUndefined();
  });

  it("names the request on the lines of a request's own logger, passed explicitly", async () => {
    const logs = captureLogs();
    const observed = createObservedRequest('gateway', 'req-2', logger);
    await Promise.resolve();
    observed.log.warn('inside');
    logger.warn('outside');
    logs.restore();
    expect(logs.lines).toEqual([
      expect.objectContaining({ msg: 'inside', service: 'gateway', requestId: 'req-2' }),
      expect.not.objectContaining({ requestId: expect.anything() }),
    ]);
    // Nothing implicit: code without the request at hand does not see it.
    expect(currentRequestId()).toBeUndefined();
  });

  it('adds no bindings of its own when the implicit context names the request already (no repeated keys)', async () => {
    const logs = captureLogs();
    const observed = createObservedRequest('cart', 'req-3', logger, true);
    await runInRequestContext(observed, async () => observed.log.warn('inside'));
    logs.restore();
    expect(logs.lines).toEqual([expect.objectContaining({ msg: 'inside', service: 'cart', requestId: 'req-3' })]);
    expect(observed.log.bindings()).toEqual({});
  });

  it('writes an error that slips through as an object as one line without its stack', () => {
    const logs = captureLogs();
    logger.error({ err: new Error('boom') }, 'failed');
    logs.restore();
    expect(logs.lines).toEqual([expect.objectContaining({ err: 'Error: boom', msg: 'failed' })]);
    expect(JSON.stringify(logs.lines)).not.toMatch(/\bat .*:\d+:\d+/);
  });
});

describe('metric labels', () => {
  it('keeps well-formed operation names up to a cap per service; the rest are other', () => {
    expect(operationLabel('labels-a', undefined)).toBe('anonymous');
    expect(operationLabel('labels-a', 'Customer360')).toBe('Customer360');
    expect(operationLabel('labels-a', 'not a name')).toBe('other');
    expect(operationLabel('labels-a', 'A'.repeat(65))).toBe('other');
    for (let i = 0; i < MAX_OPERATIONS_PER_SERVICE * 2; i++) operationLabel('labels-b', `Op${i}`);
    expect(operationLabel('labels-b', `Op${MAX_OPERATIONS_PER_SERVICE - 1}`)).toBe(`Op${MAX_OPERATIONS_PER_SERVICE - 1}`);
    expect(operationLabel('labels-b', `Op${MAX_OPERATIONS_PER_SERVICE}`)).toBe('other');
    // Another service has a cap of its own.
    expect(operationLabel('labels-c', `Op${MAX_OPERATIONS_PER_SERVICE + 5}`)).toBe(`Op${MAX_OPERATIONS_PER_SERVICE + 5}`);
  });

  it('tells outcomes apart by status and GraphQL errors', () => {
    expect([requestOutcome(200, 0), requestOutcome(200, 2), requestOutcome(429, 1), requestOutcome(503, 0)]).toEqual(['ok', 'error', 'client_error', 'server_error']);
  });
});

describe('without a collector', () => {
  it('runs statements untraced', async () => {
    expect(tracingEnabled()).toBe(false);
    await expect(traceStatement('select 1', async () => 1)).resolves.toBe(1);
  });
});
