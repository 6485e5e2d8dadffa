import { describe, expect, it } from 'vitest';
import { demoId, isIdOf, newId } from '../src/ids';

describe('ids', () => {
  it('are prefixed, opaque and time ordered', async () => {
    const first = newId('cart');
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = newId('cart');
    expect(isIdOf('cart', first)).toBe(true);
    expect(isIdOf('prod', first)).toBe(false);
    expect(first < second).toBe(true);
  });

  it('derives demo ids deterministically, ordered by ordinal', () => {
    expect(demoId('cus', 'anna', 1)).toBe(demoId('cus', 'anna', 1));
    expect(demoId('cus', 'anna', 1)).not.toBe(demoId('cus', 'ben', 1));
    expect(demoId('prod', 'x', 2) < demoId('prod', 'y', 10)).toBe(true);
    expect(isIdOf('prod', demoId('prod', 'x', 2))).toBe(true);
  });
});

describe('ids made in one burst', () => {
  it('still sort in creation order', () => {
    const ids = Array.from({ length: 1000 }, () => newId('line'));
    expect([...ids].sort()).toEqual(ids);
  });
});
