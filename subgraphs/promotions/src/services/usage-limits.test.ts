import { describe, expect, it } from 'vitest';
import { isSpent, NO_USAGE, refuseUses, refusalReason, type PromotionLimits, type UsageCount } from './usage-limits';

const unlimited: PromotionLimits = { id: 'promo_free', usageLimit: null, usageLimitPerCustomer: null, budgetMinor: null };
const limits = (overrides: Partial<PromotionLimits>): PromotionLimits => ({ ...unlimited, id: 'promo_l', ...overrides });
const count = (overrides: Partial<UsageCount>): UsageCount => ({ ...NO_USAGE, ...overrides });

describe('refusalReason', () => {
  it('lets uses through up to the total limit, exactly', () => {
    const three = limits({ usageLimit: 3 });
    expect(refusalReason(three, count({ totalUses: 2 }), { uses: 1, discountMinor: 0 }, true)).toBeNull();
    expect(refusalReason(three, count({ totalUses: 3 }), { uses: 1, discountMinor: 0 }, true)).toBe('USAGE_LIMIT_REACHED');
    expect(refusalReason(three, count({ totalUses: 2 }), { uses: 2, discountMinor: 0 }, true)).toBe('USAGE_LIMIT_REACHED');
  });

  it('limits a known customer per customer, never a guest', () => {
    const once = limits({ usageLimitPerCustomer: 1 });
    expect(refusalReason(once, count({ totalUses: 9, customerUses: 0 }), { uses: 1, discountMinor: 0 }, true)).toBeNull();
    expect(refusalReason(once, count({ customerUses: 1 }), { uses: 1, discountMinor: 0 }, true)).toBe('CUSTOMER_USAGE_LIMIT_REACHED');
    expect(refusalReason(once, count({ customerUses: 1 }), { uses: 1, discountMinor: 0 }, false)).toBeNull();
  });

  it('keeps the discount given within the budget, reaching it exactly is allowed', () => {
    const budget = limits({ budgetMinor: 10_000 });
    expect(refusalReason(budget, count({ budgetUsedMinor: 9_000 }), { uses: 1, discountMinor: 1_000 }, true)).toBeNull();
    expect(refusalReason(budget, count({ budgetUsedMinor: 9_000 }), { uses: 1, discountMinor: 1_001 }, true)).toBe('BUDGET_EXHAUSTED');
  });

  it('reports the total limit before the customer limit and the budget', () => {
    const all = limits({ usageLimit: 1, usageLimitPerCustomer: 1, budgetMinor: 1 });
    expect(refusalReason(all, count({ totalUses: 1, customerUses: 1, budgetUsedMinor: 1 }), { uses: 1, discountMinor: 5 }, true)).toBe('USAGE_LIMIT_REACHED');
    expect(refusalReason({ ...all, usageLimit: null }, count({ customerUses: 1, budgetUsedMinor: 1 }), { uses: 1, discountMinor: 5 }, true)).toBe(
      'CUSTOMER_USAGE_LIMIT_REACHED',
    );
  });
});

describe('refuseUses', () => {
  it('judges the uses of one promotion together and lists every refused use in the order asked', () => {
    const byId = new Map([
      ['promo_a', limits({ id: 'promo_a', usageLimit: 5 })],
      ['promo_b', limits({ id: 'promo_b', budgetMinor: 1_000 })],
      ['promo_free', unlimited],
    ]);
    const counts = new Map([
      ['promo_a', count({ totalUses: 4 })],
      ['promo_b', count({ budgetUsedMinor: 500 })],
    ]);
    const uses = [
      { promotionId: 'promo_free', couponCode: null, discountMinor: 99_999 },
      { promotionId: 'promo_a', couponCode: 'ONE', discountMinor: 100 },
      { promotionId: 'promo_b', couponCode: null, discountMinor: 400 },
      { promotionId: 'promo_a', couponCode: 'TWO', discountMinor: 100 },
    ];
    expect(refuseUses(uses, byId, counts, true)).toEqual([
      { promotionId: 'promo_a', couponCode: 'ONE', reason: 'USAGE_LIMIT_REACHED' },
      { promotionId: 'promo_a', couponCode: 'TWO', reason: 'USAGE_LIMIT_REACHED' },
    ]);
    expect(refuseUses(uses.slice(0, 3), byId, counts, true)).toEqual([]);
  });

  it('treats a promotion never used as unused', () => {
    const byId = new Map([['promo_a', limits({ id: 'promo_a', usageLimit: 1 })]]);
    expect(refuseUses([{ promotionId: 'promo_a', couponCode: null, discountMinor: 1 }], byId, new Map(), false)).toEqual([]);
  });
});

describe('isSpent', () => {
  it('is spent once the total uses or the budget are reached', () => {
    expect(isSpent(limits({ usageLimit: 2 }), count({ totalUses: 1 }), false)).toBe(false);
    expect(isSpent(limits({ usageLimit: 2 }), count({ totalUses: 2 }), false)).toBe(true);
    expect(isSpent(limits({ budgetMinor: 500 }), count({ budgetUsedMinor: 499 }), false)).toBe(false);
    expect(isSpent(limits({ budgetMinor: 500 }), count({ budgetUsedMinor: 500 }), false)).toBe(true);
    expect(isSpent(unlimited, count({ totalUses: 1_000_000, budgetUsedMinor: 1_000_000 }), true)).toBe(false);
  });

  it('is spent for a customer only when the customer is known', () => {
    expect(isSpent(limits({ usageLimitPerCustomer: 1 }), count({ customerUses: 1 }), true)).toBe(true);
    expect(isSpent(limits({ usageLimitPerCustomer: 1 }), count({ customerUses: 1 }), false)).toBe(false);
  });
});
