import { describe, expect, it } from 'vitest';
import { quoteCart } from './quote-cart';
import { input, line, NOW, promotion } from './test-fixtures';
import type { CartInput, NotAppliedReason, PromotionDefinition, UsageFacts } from './types';
import { NOT_APPLIED_REASON_CODES } from './types';

function reasonsOf(definition: Partial<PromotionDefinition>, cart: Partial<CartInput> = {}, usage: Partial<UsageFacts> = {}): readonly NotAppliedReason[] {
  const [explanation] = quoteCart(input([promotion({ id: 'p', ...definition })], cart, usage)).explanations;
  if (explanation?.outcome !== 'NOT_APPLIED') throw new Error(`expected NOT_APPLIED, got ${JSON.stringify(explanation)}`);
  return explanation.reasons;
}

const hour = 3_600_000;
const covered = new Set<string>();
function expectReason(reasons: readonly NotAppliedReason[], expected: NotAppliedReason) {
  expect(reasons[0]).toEqual(expected);
  covered.add(expected.code);
}

describe('quoteCart explains every promotion it does not apply', () => {
  it('INACTIVE', () => expectReason(reasonsOf({ status: 'PAUSED' }), { code: 'INACTIVE', status: 'PAUSED' }));
  it('CURRENCY_MISMATCH', () => expectReason(reasonsOf({ currencyCode: 'USD' }), { code: 'CURRENCY_MISMATCH', promotionCurrencyCode: 'USD' }));
  it('NOT_STARTED', () => {
    const startsAt = new Date(NOW.getTime() + 1);
    expectReason(reasonsOf({ startsAt }), { code: 'NOT_STARTED', startsAt });
  });
  it('ENDED, at endsAt exactly', () => expectReason(reasonsOf({ endsAt: NOW }), { code: 'ENDED', endedAt: NOW }));
  it('applies from startsAt inclusive', () => {
    expect(quoteCart(input([promotion({ id: 'p', startsAt: NOW, endsAt: new Date(NOW.getTime() + hour) })])).applied).toHaveLength(1);
  });
  it('NOT_IN_CHANNEL', () => expectReason(reasonsOf({ channels: ['POS'] }), { code: 'NOT_IN_CHANNEL', channels: ['POS'], couponCode: null }));
  it('NOT_AT_LOCATION, online or at another store', () => {
    expectReason(reasonsOf({ locationIds: ['loc_berlin'] }), { code: 'NOT_AT_LOCATION', locationIds: ['loc_berlin'] });
    expectReason(reasonsOf({ locationIds: ['loc_berlin'] }, { channel: 'POS', locationId: 'loc_leipzig' }), { code: 'NOT_AT_LOCATION', locationIds: ['loc_berlin'] });
  });
  it('NOT_IN_SEGMENT', () => {
    const conditions = [{ type: 'CUSTOMER_SEGMENT' as const, segments: ['FIRST_TIME_BUYER'] }];
    expectReason(reasonsOf({ conditions }, { customerSegments: ['ENGAGED_WITH_PRODUCT'] }), { code: 'NOT_IN_SEGMENT', segments: ['FIRST_TIME_BUYER'] });
    expect(quoteCart(input([promotion({ id: 'p', conditions })], { customerSegments: ['FIRST_TIME_BUYER'] })).applied).toHaveLength(1);
  });
  it('COUPON_REQUIRED', () => expectReason(reasonsOf({ requiresCoupon: true }), { code: 'COUPON_REQUIRED' }));
  it('COUPON_UNKNOWN, and the code is reported', () => {
    expectReason(reasonsOf({ requiresCoupon: true }, { couponCodes: ['nope'] }), { code: 'COUPON_UNKNOWN', couponCode: 'NOPE' });
    expect(quoteCart(input([], { couponCodes: ['nope', 'NOPE '] })).unmatchedCoupons).toEqual([{ code: 'NOPE', reason: 'COUPON_UNKNOWN' }]);
  });
  it('COUPON_EXPIRED', () => {
    const usage = { coupons: [{ code: 'OLD', state: { status: 'EXPIRED' as const, promotionId: 'p' } }] };
    expectReason(reasonsOf({ requiresCoupon: true }, { couponCodes: ['old'] }, usage), { code: 'COUPON_EXPIRED', couponCode: 'OLD' });
  });
  it('COUPON_USED_UP', () => {
    const usage = { coupons: [{ code: 'ONCE', state: { status: 'USED_UP' as const, promotionId: 'p' } }] };
    expectReason(reasonsOf({ requiresCoupon: true }, { couponCodes: ['once'] }, usage), { code: 'COUPON_USED_UP', couponCode: 'ONCE' });
  });
  it('COUPON_NOT_YOURS for a personal code on someone else\'s cart, also among the unmatched codes', () => {
    const usage = { coupons: [{ code: 'FORYOU-1', state: { status: 'NOT_YOURS' as const, promotionId: 'p' } }] };
    expectReason(reasonsOf({ requiresCoupon: true }, { couponCodes: ['foryou-1'] }, usage), { code: 'COUPON_NOT_YOURS', couponCode: 'FORYOU-1' });
    expect(quoteCart(input([promotion({ id: 'p', requiresCoupon: true })], { couponCodes: ['foryou-1'] }, usage)).unmatchedCoupons).toEqual([
      { code: 'FORYOU-1', reason: 'COUPON_NOT_YOURS' },
    ]);
  });
  it('NOT_IN_CHANNEL for a code of another channel', () => {
    const usage = { coupons: [{ code: 'APPONLY', state: { status: 'OTHER_CHANNEL' as const, promotionId: 'p' } }] };
    expect(reasonsOf({ requiresCoupon: true }, { couponCodes: ['apponly'] }, usage)[0]).toEqual({ code: 'NOT_IN_CHANNEL', channels: [], couponCode: 'APPONLY' });
    expect(quoteCart(input([promotion({ id: 'p', requiresCoupon: true })], { couponCodes: ['apponly'] }, usage)).unmatchedCoupons).toEqual([
      { code: 'APPONLY', reason: 'NOT_IN_CHANNEL' },
    ]);
  });
  it('USAGE_LIMIT_REACHED', () => {
    const usage = { promotions: [{ promotionId: 'p', totalUses: 100, customerUses: 0, budgetSpentMinor: 0 }] };
    expectReason(reasonsOf({ usageLimit: 100 }, {}, usage), { code: 'USAGE_LIMIT_REACHED', limit: 100 });
    expect(quoteCart(input([promotion({ id: 'p', usageLimit: 101 })], {}, usage)).applied).toHaveLength(1);
  });
  it('CUSTOMER_USAGE_LIMIT_REACHED', () => {
    const usage = { promotions: [{ promotionId: 'p', totalUses: 5, customerUses: 1, budgetSpentMinor: 0 }] };
    expectReason(reasonsOf({ usageLimitPerCustomer: 1 }, {}, usage), { code: 'CUSTOMER_USAGE_LIMIT_REACHED', limit: 1 });
  });
  it('BUDGET_EXHAUSTED', () => {
    const usage = { promotions: [{ promotionId: 'p', totalUses: 5, customerUses: 0, budgetSpentMinor: 50_000 }] };
    expectReason(reasonsOf({ budgetMinor: 50_000 }, {}, usage), { code: 'BUDGET_EXHAUSTED', budgetMinor: 50_000 });
  });
  it('PRODUCTS_NOT_IN_CART, with what is missing', () => {
    const target = { kind: 'PRODUCT' as const, ids: ['prod_a'] };
    expectReason(reasonsOf({ conditions: [{ type: 'CART_CONTAINS', target, minQuantity: 3 }] }), {
      code: 'PRODUCTS_NOT_IN_CART',
      missing: [{ target, quantityMissing: 2 }],
    });
    expectReason(reasonsOf({ action: { type: 'LINES_PERCENT_OFF', target: { kind: 'CATEGORY', ids: ['cat_x'] }, percent: 10 } }), {
      code: 'PRODUCTS_NOT_IN_CART',
      missing: [{ target: { kind: 'CATEGORY', ids: ['cat_x'] }, quantityMissing: 1 }],
    });
  });
  it('MIN_SUBTOTAL_NOT_MET, with the amount missing', () => {
    expectReason(reasonsOf({ conditions: [{ type: 'MIN_SUBTOTAL', amountMinor: 12_000 }] }), { code: 'MIN_SUBTOTAL_NOT_MET', missingMinor: 2000 });
    expect(quoteCart(input([promotion({ id: 'p', conditions: [{ type: 'MIN_SUBTOTAL', amountMinor: 10_000 }] })])).applied).toHaveLength(1);
  });
  it('EXCLUDED_BY, naming the promotion that excluded it', () => {
    const exclusive = promotion({ id: 'p_big', stacking: { mode: 'EXCLUSIVE' }, action: { type: 'ORDER_PERCENT_OFF', percent: 50 } });
    const [, small] = quoteCart(input([exclusive, promotion({ id: 'p_small' })])).explanations;
    expect(small).toMatchObject({ promotionId: 'p_small', outcome: 'NOT_APPLIED', reasons: [{ code: 'EXCLUDED_BY', promotionId: 'p_big' }] });
    covered.add('EXCLUDED_BY');
  });
  it('NOTHING_TO_DISCOUNT when earlier promotions left nothing', () => {
    const all = promotion({ id: 'p_all', priority: 9, action: { type: 'ORDER_PERCENT_OFF', percent: 100 } });
    const [, later] = quoteCart(input([all, promotion({ id: 'p_later' })])).explanations;
    expect(later).toMatchObject({ outcome: 'NOT_APPLIED', reasons: [{ code: 'NOTHING_TO_DISCOUNT' }] });
    covered.add('NOTHING_TO_DISCOUNT');
  });

  it('lists every failing check, most fundamental first', () => {
    const reasons = reasonsOf(
      { channels: ['POS'], requiresCoupon: true, conditions: [{ type: 'MIN_SUBTOTAL', amountMinor: 20_000 }, { type: 'MIN_SUBTOTAL', amountMinor: 15_000 }] },
      { lines: [line('a', 100)] },
    );
    expect(reasons.map((r) => r.code)).toEqual(['NOT_IN_CHANNEL', 'COUPON_REQUIRED', 'MIN_SUBTOTAL_NOT_MET']);
    expect(reasons[2]).toEqual({ code: 'MIN_SUBTOTAL_NOT_MET', missingMinor: 19_900 });
  });

  it('reports a valid code of a promotion that is not a candidate as unknown', () => {
    const usage = { coupons: [{ code: 'GONE', state: { status: 'VALID' as const, promotionId: 'p_deleted' } }] };
    expect(quoteCart(input([], { couponCodes: ['gone'] }, usage)).unmatchedCoupons).toEqual([{ code: 'GONE', reason: 'COUPON_UNKNOWN' }]);
  });

  it('covers every reason code', () => {
    expect([...covered].sort()).toEqual([...NOT_APPLIED_REASON_CODES].sort());
  });
});
