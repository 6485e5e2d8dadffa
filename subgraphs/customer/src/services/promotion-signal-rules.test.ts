import { describe, expect, it } from 'vitest';
import { becameFirstTimeBuyer, crossedProductEngagement } from './promotion-signal-rules';

describe('promotion signals', () => {
  it('announces a first order only when it is the only one', () => {
    expect(becameFirstTimeBuyer(1)).toBe(true);
    expect(becameFirstTimeBuyer(2)).toBe(false);
  });

  it('announces product engagement when the threshold is reached, not after', () => {
    expect(crossedProductEngagement(2, true)).toBe(false);
    expect(crossedProductEngagement(3, true)).toBe(true);
    expect(crossedProductEngagement(4, true)).toBe(false);
    // Dated before the window: the count did not move because of it.
    expect(crossedProductEngagement(3, false)).toBe(false);
  });
});
