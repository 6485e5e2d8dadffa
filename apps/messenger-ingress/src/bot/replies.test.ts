import { describe, expect, it } from 'vitest';
import { cartReply, formatOpeningHours, orderStatusReply, stockReply, type OrderSummary } from './replies';
import type { StoreInfo } from './places';

const WEEKDAYS_10_TO_20 = [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '10:00', closes: '20:00' }));
const berlin: StoreInfo = { id: 'loc_b', name: 'Berlin Mitte', city: 'Berlin', street: 'Rosenthaler Str. 40', openingHours: WEEKDAYS_10_TO_20 };
const hamburg: StoreInfo = { id: 'loc_h', name: 'Hamburg Altona', city: 'Hamburg', street: 'Ottenser Hauptstr. 10', openingHours: WEEKDAYS_10_TO_20 };

describe('formatOpeningHours', () => {
  it('joins consecutive days with the same hours and names closed days', () => {
    expect(formatOpeningHours(WEEKDAYS_10_TO_20, 'en')).toBe('Mon–Sat 10:00–20:00, Sun closed');
    expect(formatOpeningHours(WEEKDAYS_10_TO_20, 'ru')).toBe('пн–сб 10:00–20:00, вс выходной');
    expect(formatOpeningHours([{ weekday: 1, opens: '09:00', closes: '18:00' }, { weekday: 3, opens: '09:00', closes: '18:00' }], 'en')).toBe(
      'Mon 09:00–18:00, Tue closed, Wed 09:00–18:00, Thu–Sun closed',
    );
  });
});

describe('orderStatusReply', () => {
  const order: OrderSummary = {
    id: 'ord_1',
    placedAt: '2026-11-20T10:00:00.000Z',
    total: { amount: '89.90', currencyCode: 'EUR' },
    method: 'PICKUP',
    status: 'READY_FOR_PICKUP',
    locationName: 'Berlin Mitte',
    readyBy: null,
    estimatedDeliveryAt: null,
  };

  it('says where the latest order stands, in the customer\'s language', () => {
    expect(orderStatusReply(order, 'en')).toBe('Your latest order ord_1 of 20 November 2026 for €89.90 is ready for pickup at Berlin Mitte.');
    expect(orderStatusReply(order, 'ru')).toMatch(/^Ваш последний заказ ord_1 от 20 ноября 2026 г\. на 89,90\s€: готов к выдаче в магазине Berlin Mitte\.$/);
  });

  it('gives the expected date of an order still on its way', () => {
    const shipping = { ...order, method: 'DELIVERY' as const, status: 'UNFULFILLED' as const, estimatedDeliveryAt: '2026-11-23T12:00:00.000Z' };
    expect(orderStatusReply(shipping, 'en')).toContain('is placed and being prepared. Expected delivery: 23 November 2026.');
  });

  it('says so when there is no order', () => {
    expect(orderStatusReply(null, 'ru')).toBe('У вас пока нет заказов.');
  });
});

describe('stockReply', () => {
  const stock = { title: 'Alpine Parka', byStore: [{ storeId: 'loc_b', available: 7 }, { storeId: 'loc_h', available: 0 }] };

  it('answers for the store asked about', () => {
    expect(stockReply(stock, [berlin, hamburg], [berlin], 'en')).toBe('Alpine Parka is in stock at Berlin Mitte: 7 available.');
    expect(stockReply(stock, [berlin, hamburg], [hamburg], 'ru')).toBe('Alpine Parka сейчас нет в магазине Hamburg Altona.');
  });

  it('lists the stores that have it when no store was named', () => {
    expect(stockReply(stock, [berlin, hamburg], null, 'ru')).toBe('Alpine Parka есть в магазинах: Berlin Mitte: 7 шт.');
  });
});

describe('cartReply', () => {
  it('lists the lines with the total', () => {
    const cart = { totalQuantity: 3, total: { amount: '149.70', currencyCode: 'EUR' }, lines: [{ title: 'Alpine Parka (Navy / M)', quantity: 1 }, { title: 'Classic Mug (White)', quantity: 2 }] };
    expect(cartReply(cart, 'en')).toBe('Your cart has 3 items for €149.70:\n• Alpine Parka (Navy / M) × 1\n• Classic Mug (White) × 2');
    expect(cartReply(null, 'ru')).toBe('Ваша корзина пуста.');
  });
});
