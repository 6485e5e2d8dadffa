import { describe, expect, it } from 'vitest';
import { quoteCart } from './quote-cart';
import { EVERYTHING, input, promotion } from './test-fixtures';
import type { CartPricingResult } from './types';

const applied = (result: CartPricingResult) => result.applied.map((a) => [a.promotionId, a.amountMinor]);
const outcomes = (result: CartPricingResult) =>
  result.explanations.map((e) => (e.outcome === 'APPLIED' ? [e.promotionId, 'APPLIED'] : [e.promotionId, e.reasons[0].code, 'promotionId' in e.reasons[0] ? e.reasons[0].promotionId : null]));

const product = { kind: 'PRODUCT' as const, ids: ['prod_a'] };

describe('quoteCart: stacking', () => {
  it('lets the best exclusive promotion win when it saves more than the combination', () => {
    const result = quoteCart(
      input([
        promotion({ id: 'p_ten', action: { type: 'ORDER_PERCENT_OFF', percent: 10 } }),
        promotion({ id: 'p_five', action: { type: 'ORDER_AMOUNT_OFF', amountMinor: 500 } }),
        promotion({ id: 'p_excl_20', stacking: { mode: 'EXCLUSIVE' }, action: { type: 'ORDER_PERCENT_OFF', percent: 20 } }),
        promotion({ id: 'p_excl_25', stacking: { mode: 'EXCLUSIVE' }, action: { type: 'ORDER_PERCENT_OFF', percent: 25 } }),
      ]),
    );
    expect(applied(result)).toEqual([['p_excl_25', 2500]]);
    expect(outcomes(result)).toEqual([
      ['p_excl_20', 'EXCLUDED_BY', 'p_excl_25'],
      ['p_excl_25', 'APPLIED'],
      ['p_five', 'EXCLUDED_BY', 'p_excl_25'],
      ['p_ten', 'EXCLUDED_BY', 'p_excl_25'],
    ]);
  });

  it('keeps the combination when it saves as much or more than the exclusive one', () => {
    const result = quoteCart(
      input([
        promotion({ id: 'p_ten', priority: 1, action: { type: 'ORDER_PERCENT_OFF', percent: 10 } }),
        promotion({ id: 'p_five', action: { type: 'ORDER_AMOUNT_OFF', amountMinor: 500 } }),
        promotion({ id: 'p_excl', stacking: { mode: 'EXCLUSIVE' }, action: { type: 'ORDER_AMOUNT_OFF', amountMinor: 1500 } }),
      ]),
    );
    expect(applied(result)).toEqual([['p_ten', 1000], ['p_five', 500]]);
    expect(outcomes(result)).toEqual([
      ['p_ten', 'APPLIED'],
      ['p_excl', 'EXCLUDED_BY', 'p_ten'],
      ['p_five', 'APPLIED'],
    ]);
  });

  it('combines by class only when both promotions accept each other', () => {
    const orderOnlyWithShipping = { mode: 'COMBINABLE' as const, combinesWith: { order: false, product: false, shipping: true } };
    const result = quoteCart(
      input(
        [
          promotion({ id: 'p_order', priority: 3, stacking: orderOnlyWithShipping }),
          promotion({ id: 'p_order_2', priority: 2, action: { type: 'ORDER_AMOUNT_OFF', amountMinor: 100 } }),
          promotion({ id: 'p_product', priority: 1, action: { type: 'LINES_PERCENT_OFF', target: product, percent: 50 } }),
          promotion({ id: 'p_ship', action: { type: 'FREE_SHIPPING' } }),
        ],
        { shippingMinor: 495 },
      ),
    );
    expect(outcomes(result)).toEqual([
      ['p_order', 'APPLIED'],
      ['p_order_2', 'EXCLUDED_BY', 'p_order'],
      ['p_product', 'EXCLUDED_BY', 'p_order'],
      ['p_ship', 'APPLIED'],
    ]);
  });

  it('does not let a promotion accept a class that refuses it', () => {
    const refusesOrders = { mode: 'COMBINABLE' as const, combinesWith: { order: false, product: true, shipping: true } };
    const result = quoteCart(
      input([
        promotion({ id: 'p_order', priority: 1 }),
        promotion({ id: 'p_product', stacking: refusesOrders, action: { type: 'LINES_PERCENT_OFF', target: product, percent: 50 } }),
      ]),
    );
    expect(outcomes(result)).toEqual([
      ['p_order', 'APPLIED'],
      ['p_product', 'EXCLUDED_BY', 'p_order'],
    ]);
  });

  it('keeps only the best deal of a group, and lets it combine with others', () => {
    const group = { mode: 'BEST_DEAL' as const, group: 'black-friday', combinesWith: EVERYTHING };
    const result = quoteCart(
      input([
        promotion({ id: 'p_pct', priority: 5, stacking: group, action: { type: 'ORDER_PERCENT_OFF', percent: 10 } }),
        promotion({ id: 'p_amt', stacking: group, action: { type: 'ORDER_AMOUNT_OFF', amountMinor: 1500 } }),
        promotion({ id: 'p_tiny', stacking: group, action: { type: 'ORDER_AMOUNT_OFF', amountMinor: 100 } }),
        promotion({ id: 'p_other', action: { type: 'ORDER_AMOUNT_OFF', amountMinor: 200 } }),
      ]),
    );
    expect(applied(result)).toEqual([['p_amt', 1500], ['p_other', 200]]);
    expect(outcomes(result)).toEqual([
      ['p_pct', 'EXCLUDED_BY', 'p_amt'],
      ['p_amt', 'APPLIED'],
      ['p_other', 'APPLIED'],
      ['p_tiny', 'EXCLUDED_BY', 'p_amt'],
    ]);
  });

  it('breaks a best-deal tie by priority, then id', () => {
    const group = { mode: 'BEST_DEAL' as const, group: 'g', combinesWith: EVERYTHING };
    const result = quoteCart(
      input([
        promotion({ id: 'p_b', stacking: group, action: { type: 'ORDER_AMOUNT_OFF', amountMinor: 500 } }),
        promotion({ id: 'p_a', stacking: group, action: { type: 'ORDER_AMOUNT_OFF', amountMinor: 500 } }),
      ]),
    );
    expect(applied(result)).toEqual([['p_a', 500]]);
  });

  it('applies an exclusive promotion alone when nothing else applies, even a gift not in the cart yet', () => {
    const result = quoteCart(input([promotion({ id: 'p_gift', stacking: { mode: 'EXCLUSIVE' }, action: { type: 'GIFT', variantId: 'var_x', quantity: 1 } })]));
    expect(result.gifts.map((g) => g.promotionId)).toEqual(['p_gift']);
  });

  it('gives the same answer whatever order promotions are listed in', () => {
    const list = [
      promotion({ id: 'p1', priority: 2, action: { type: 'ORDER_PERCENT_OFF', percent: 15 } }),
      promotion({ id: 'p2', action: { type: 'LINES_AMOUNT_OFF', target: product, amountMinorPerUnit: 333 } }),
      promotion({ id: 'p3', stacking: { mode: 'EXCLUSIVE' }, action: { type: 'ORDER_PERCENT_OFF', percent: 20 } }),
      promotion({ id: 'p4', priority: 2, action: { type: 'ORDER_AMOUNT_OFF', amountMinor: 777 } }),
    ];
    const first = quoteCart(input(list));
    expect(quoteCart(input([...list].reverse()))).toEqual(first);
    expect(quoteCart(input([list[2]!, list[0]!, list[3]!, list[1]!]))).toEqual(first);
  });
});
