import { describe, expect, it } from 'vitest';
import { demoId, isIdOf, newId, pooledRandom } from '../src/ids';

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

describe('the random part of ids', () => {
  it('comes uniformly from the system generator across pool refills', () => {
    // 64 pools' worth: every refill and every one of the 32 ULID characters is exercised.
    const draws = 4096 * 64;
    const buckets = new Array<number>(32).fill(0);
    let outside = 0;
    for (let i = 0; i < draws; i += 1) {
      const value = pooledRandom();
      if (value < 0 || value >= 1) outside += 1;
      else buckets[Math.floor(value * 32)]! += 1;
    }
    expect(outside).toBe(0);
    const expected = draws / 32;
    for (const count of buckets) expect(Math.abs(count - expected) / expected).toBeLessThan(0.05);
  });

  it('differs between ids made in different milliseconds', async () => {
    const bodies = new Set<string>();
    for (let i = 0; i < 20; i += 1) {
      bodies.add(newId('cart').slice(-16));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(bodies.size).toBe(20);
  });
});
