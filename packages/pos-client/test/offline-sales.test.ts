import { describe, expect, it } from 'vitest';
import { createMemoryStore, OfflineSales } from '../src/index';
import { createFakeGateway } from './fake-gateway';

describe('OfflineSales', () => {
  it('uploads a queued sale once per receipt, also after lost answers, and survives a restart', async () => {
    const gateway = createFakeGateway();
    const store = createMemoryStore();
    const options = { storeId: 'loc_berlin', transport: gateway.transport, store, random: () => 0, sleep: async () => {}, newId: () => 'receipt-1' };
    const sales = await OfflineSales.open(options);
    const sale = await sales.record({ cashierId: 'staff_1', lines: [{ variantId: 'var_a', quantity: 1, unitPrice: '9.90' }] });
    expect(sale.receiptId).toBe('receipt-1');

    const reopened = await OfflineSales.open(options);
    expect(reopened.pending()).toEqual([sale]);
    gateway.network('lost-answer', 'lost-answer');
    const recorded = await reopened.flush();
    expect(recorded).toEqual([{ receiptId: 'receipt-1', orderId: 'ord_1', stockRecorded: true, shortfalls: [] }]);
    expect(gateway.requests.map((request) => request.variables.input)).toEqual(Array(3).fill({ storeId: 'loc_berlin', ...sale }));
    expect(gateway.orders.size).toBe(1);
    expect(reopened.pending()).toEqual([]);
    expect(await reopened.flush()).toEqual([]);
  });

  it('keeps a sale queued while the network is down', async () => {
    const gateway = createFakeGateway();
    const sales = await OfflineSales.open({ storeId: 'loc_berlin', transport: gateway.transport, store: createMemoryStore(), maxAttempts: 2, sleep: async () => {} });
    await sales.record({ lines: [{ variantId: 'var_a', quantity: 1, unitPrice: '1.00' }] });
    gateway.network('lost-request', 'lost-request');
    await expect(sales.flush()).rejects.toThrow();
    expect(sales.pending()).toHaveLength(1);
    expect(gateway.orders.size).toBe(0);
  });
});
