import { describe, expect, it } from 'vitest';
import { handOffSummary, MAX_SUMMARY_LENGTH } from './hand-off-summary';

describe('handOffSummary', () => {
  it('names who, why, the cart, the last order and what the bot tried', () => {
    const summary = handOffSummary({
      reason: 'CUSTOMER_ASKED',
      provider: 'TELEGRAM',
      customerId: 'cus_anna',
      displayName: 'Anna Ivanova',
      senderName: 'Anna',
      cart: { totalQuantity: 2, total: { amount: '99.80', currencyCode: 'EUR' }, lines: [{ title: 'Classic Mug (White)', quantity: 2 }] },
      latestOrder: { id: 'ord_1', placedAt: '2026-11-20T10:00:00.000Z', total: { amount: '89.90', currencyCode: 'EUR' }, method: 'PICKUP', status: 'UNFULFILLED', locationName: 'Berlin Mitte', readyBy: null, estimatedDeliveryAt: null },
      tried: ['order status: answered'],
      lastMessage: 'позовите оператора',
    });
    expect(summary.split('\n')).toEqual([
      'Customer: Anna Ivanova (cus_anna) via TELEGRAM',
      'Reason: the customer asked for a person',
      'Cart: 2 item(s), 99.80 EUR: Classic Mug (White) × 2',
      'Last order: ord_1 of 2026-11-20, 89.90 EUR, PICKUP UNFULFILLED',
      'Bot tried: order status: answered',
      'Last message: "позовите оператора"',
    ]);
  });

  it('says what could not be read and stays within its length', () => {
    const summary = handOffSummary({
      reason: 'REPEATED_FAILURE',
      provider: 'VK',
      customerId: null,
      displayName: null,
      senderName: null,
      cart: 'unavailable',
      latestOrder: null,
      tried: Array.from({ length: 200 }, (_, index) => `stock of "thing ${index}": product not found`),
      lastMessage: 'x'.repeat(5000),
    });
    expect(summary).toContain('Customer: unknown via VK');
    expect(summary).toContain('Cart: could not be read');
    expect(summary.length).toBeLessThanOrEqual(MAX_SUMMARY_LENGTH);
  });
});
