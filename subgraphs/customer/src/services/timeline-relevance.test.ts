import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '@omni/events';
import { changesCustomerData } from './timeline-service';

const event = (type: string, payload: Record<string, unknown>): DomainEvent => ({
  id: 'evt_01jzzzzzzzzzzzzzzzzzzzzzzz',
  type,
  producer: 'cart',
  aggregateId: 'cart_01jzzzzzzzzzzzzzzzzzzzzzzz',
  occurredAt: new Date('2026-11-29T10:00:00Z'),
  payload,
});

describe('which delivered events can change customer data', () => {
  it("skips a guest's cart change and order: no customer to record them for", () => {
    expect(changesCustomerData(event('cart.changed', { cartId: 'cart_1', customerId: null, guestId: 'guest_1', channel: 'WEB', totalQuantity: 2 }))).toBe(false);
    expect(changesCustomerData(event('order.placed', { orderId: 'ord_1', customerId: null, channel: 'WEB', totalMinor: 1000, currencyCode: 'EUR' }))).toBe(false);
  });

  it("applies a customer's cart change and order, and every return", () => {
    expect(changesCustomerData(event('cart.changed', { cartId: 'cart_1', customerId: 'cus_1', channel: 'WEB', totalQuantity: 2 }))).toBe(true);
    expect(changesCustomerData(event('order.placed', { orderId: 'ord_1', customerId: 'cus_1', channel: 'POS', totalMinor: 1000, currencyCode: 'EUR' }))).toBe(true);
    expect(changesCustomerData(event('order.returned', { orderId: 'ord_1' }))).toBe(true);
  });

  it('skips an event it would not record anyway: a malformed payload, a type it does not keep', () => {
    expect(changesCustomerData(event('cart.changed', { cartId: 'cart_1' }))).toBe(false);
    expect(changesCustomerData(event('stock.changed', { variantId: 'var_1' }))).toBe(false);
  });
});
