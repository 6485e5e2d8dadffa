import { describe, expect, it } from 'vitest';
import { allocateRedemption, tierFor } from './loyalty-tiers';

describe('loyalty tiers', () => {
  it('moves up at each threshold and reports the distance to the next', () => {
    expect(tierFor(0)).toEqual({ tier: 'BASIC', pointsToNextTier: 1000 });
    expect(tierFor(999)).toEqual({ tier: 'BASIC', pointsToNextTier: 1 });
    expect(tierFor(1000)).toEqual({ tier: 'SILVER', pointsToNextTier: 4000 });
    expect(tierFor(5000).tier).toBe('GOLD');
    expect(tierFor(25_000)).toEqual({ tier: 'PLATINUM', pointsToNextTier: null });
  });
});

describe('allocateRedemption', () => {
  const soon = new Date('2026-12-01T00:00:00Z');
  const later = new Date('2027-06-01T00:00:00Z');
  it('takes points from the lots expiring first, lots without expiry last', () => {
    const lots = [
      { id: 'a', remaining: 50, expiresAt: null },
      { id: 'b', remaining: 30, expiresAt: later },
      { id: 'c', remaining: 20, expiresAt: soon },
    ];
    expect(allocateRedemption(lots, 60)).toEqual([
      { id: 'c', take: 20 },
      { id: 'b', take: 30 },
      { id: 'a', take: 10 },
    ]);
  });
  it('refuses when the lots do not cover the points', () => {
    expect(allocateRedemption([{ id: 'a', remaining: 5, expiresAt: null }], 6)).toBeNull();
  });
});
