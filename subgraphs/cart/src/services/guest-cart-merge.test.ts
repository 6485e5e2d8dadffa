import { describe, expect, it } from 'vitest';
import type { VariantSnapshot } from '../clients/catalog-client';
import { planGuestCartMerge } from './guest-cart-merge';

const snapshot = (id: string, totalAvailable: number, overrides: Partial<VariantSnapshot> = {}): VariantSnapshot => ({
  id,
  priceMinor: 1_000,
  currencyCode: 'EUR',
  availableForSale: true,
  totalAvailable,
  publishedChannels: ['WEB'],
  ...overrides,
});

describe('planGuestCartMerge', () => {
  it('adds quantities of the same variant, capped by availability and the line maximum, at the current price', () => {
    const plan = planGuestCartMerge({
      currencyCode: 'EUR',
      channel: 'WEB',
      guestLines: [
        { variantId: 'var_a', quantity: 2 },
        { variantId: 'var_b', quantity: 500 },
        { variantId: 'var_c', quantity: 1 },
      ],
      customerLines: [
        { variantId: 'var_a', quantity: 2 },
        { variantId: 'var_b', quantity: 600 },
        { variantId: 'var_z', quantity: 1 },
      ],
      snapshots: new Map([
        ['var_a', snapshot('var_a', 3)],
        ['var_b', snapshot('var_b', 5_000, { priceMinor: 1_500 })],
        ['var_c', snapshot('var_c', 10)],
      ]),
    });
    expect(plan).toEqual({
      lines: [
        { variantId: 'var_a', quantity: 3, unitPriceMinor: 1_000, currencyCode: 'EUR' },
        { variantId: 'var_b', quantity: 999, unitPriceMinor: 1_500, currencyCode: 'EUR' },
        { variantId: 'var_c', quantity: 1, unitPriceMinor: 1_000, currencyCode: 'EUR' },
      ],
      dropped: [],
    });
  });

  it('drops variants no longer sold (anywhere or in the channel), sold out, not for sale or in another currency', () => {
    const plan = planGuestCartMerge({
      currencyCode: 'EUR',
      channel: 'WEB',
      guestLines: ['var_gone', 'var_withdrawn', 'var_out', 'var_off', 'var_usd'].map((variantId) => ({ variantId, quantity: 1 })),
      customerLines: [],
      snapshots: new Map([
        ['var_gone', null],
        ['var_withdrawn', snapshot('var_withdrawn', 5, { publishedChannels: ['POS'] })],
        ['var_out', snapshot('var_out', 0)],
        ['var_off', snapshot('var_off', 5, { availableForSale: false })],
        ['var_usd', snapshot('var_usd', 5, { currencyCode: 'USD' })],
      ]),
    });
    expect(plan.lines).toEqual([]);
    expect(plan.dropped).toEqual([
      { variantId: 'var_gone', reason: 'NOT_FOUND' },
      { variantId: 'var_withdrawn', reason: 'NOT_FOUND' },
      { variantId: 'var_out', reason: 'OUT_OF_STOCK' },
      { variantId: 'var_off', reason: 'OUT_OF_STOCK' },
      { variantId: 'var_usd', reason: 'CURRENCY' },
    ]);
  });
});
