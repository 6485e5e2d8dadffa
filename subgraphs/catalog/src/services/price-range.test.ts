import { describe, expect, it } from 'vitest';
import { priceRangeOf } from './price-range';

describe('priceRangeOf', () => {
  it('spans the cheapest to the dearest variant', () => {
    const range = priceRangeOf([
      { priceMinor: 5990, currencyCode: 'EUR', position: 0 },
      { priceMinor: 6490, currencyCode: 'EUR', position: 1 },
      { priceMinor: 4990, currencyCode: 'EUR', position: 2 },
    ]);
    expect(range).toEqual({ min: { amount: '49.90', currencyCode: 'EUR' }, max: { amount: '64.90', currencyCode: 'EUR' } });
  });

  it('is null without variants', () => {
    expect(priceRangeOf([])).toBeNull();
  });

  it('stays in the first variant’s currency instead of mixing units', () => {
    const range = priceRangeOf([
      { priceMinor: 100, currencyCode: 'JPY', position: 1 },
      { priceMinor: 1500, currencyCode: 'EUR', position: 0 },
      { priceMinor: 2500, currencyCode: 'EUR', position: 2 },
    ]);
    expect(range).toEqual({ min: { amount: '15.00', currencyCode: 'EUR' }, max: { amount: '25.00', currencyCode: 'EUR' } });
  });
});
