import { quoteCart } from './quote-cart';
import type { CartInput, PromotionAction, PromotionDefinition, PricingInput, Stacking } from './types';

export interface EngineBenchmark {
  lines: number;
  promotions: number;
  iterations: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

/**
 * Times `quoteCart` on a 50-line cart against 1,000 active promotions of every kind, the size the
 * issue sets as the bar. Not a test: it measures and returns, `npm run bench` prints. Timings are
 * the only non-integers here, and they are durations, not money.
 */
export function benchmarkEngine(options: { iterations?: number; warmup?: number; lines?: number; promotions?: number } = {}): EngineBenchmark {
  const { iterations = 200, warmup = 20, lines = 50, promotions = 1000 } = options;
  const input = benchmarkInput(lines, promotions);
  for (let i = 0; i < warmup; i++) quoteCart(input);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    quoteCart(input);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)]!;
  return {
    lines,
    promotions,
    iterations,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    meanMs: samples.reduce((sum, s) => sum + s, 0) / samples.length,
  };
}

/** A deterministic cart and promotion set, so runs compare with each other. */
export function benchmarkInput(lineCount: number, promotionCount: number): PricingInput {
  const cart: CartInput = {
    currencyCode: 'EUR',
    channel: 'WEB',
    locationId: null,
    customerId: 'cus_bench',
    customerSegments: ['FIRST_TIME_BUYER'],
    lines: Array.from({ length: lineCount }, (_, i) => ({
      lineId: `line_${String(i).padStart(3, '0')}`,
      variantId: `var_${i}`,
      productId: `prod_${i % 20}`,
      categoryIds: [`cat_${i % 7}`, `cat_${i % 3}`],
      quantity: 1 + (i % 4),
      unitPriceMinor: 500 + ((i * 7919) % 9500),
    })),
    couponCodes: ['BENCH-7'],
    shippingMinor: 495,
  };
  const all = { order: true, product: true, shipping: true };
  const promotions: PromotionDefinition[] = Array.from({ length: promotionCount }, (_, i) => {
    const stacking: Stacking =
      i % 10 === 0 ? { mode: 'EXCLUSIVE' } : i % 10 < 4 ? { mode: 'BEST_DEAL', group: `group_${i % 13}`, combinesWith: all } : { mode: 'COMBINABLE', combinesWith: all };
    return {
      id: `promo_${String(i).padStart(4, '0')}`,
      name: `Bench ${i}`,
      status: 'ACTIVE',
      currencyCode: 'EUR',
      priority: i % 5,
      channels: i % 9 === 0 ? ['POS'] : [],
      locationIds: [],
      startsAt: null,
      endsAt: null,
      requiresCoupon: i % 50 === 7,
      conditions: i % 3 === 0 ? [{ type: 'MIN_SUBTOTAL', amountMinor: 1000 * (i % 40) }] : [],
      action: benchmarkAction(i),
      stacking,
      usageLimit: i % 11 === 0 ? 100 : null,
      usageLimitPerCustomer: null,
      budgetMinor: i % 17 === 0 ? 50_000 : null,
    };
  });
  return {
    cart,
    now: new Date('2026-11-28T12:00:00.000Z'),
    promotions,
    usage: { promotions: [], coupons: [{ code: 'bench-7', state: { status: 'VALID', promotionId: 'promo_0007' } }] },
  };
}

function benchmarkAction(i: number): PromotionAction {
  const target = { kind: 'CATEGORY' as const, ids: [`cat_${i % 7}`] };
  switch (i % 9) {
    case 0:
      return { type: 'ORDER_PERCENT_OFF', percent: 1 + (i % 30) };
    case 1:
      return { type: 'ORDER_AMOUNT_OFF', amountMinor: 100 + i };
    case 2:
      return { type: 'TIERED_SPEND', tiers: [{ thresholdMinor: 10_000, amountOffMinor: 1000 }, { thresholdMinor: 20_000, amountOffMinor: 2500 }] };
    case 3:
      return { type: 'LINES_PERCENT_OFF', target, percent: 5 + (i % 20) };
    case 4:
      return { type: 'LINES_AMOUNT_OFF', target, amountMinorPerUnit: 50 };
    case 5:
      return { type: 'BUY_X_GET_Y', target, buyQuantity: 1, getQuantity: 1, percent: 100, maxGroups: null };
    case 6:
      return { type: 'BUNDLE_FIXED_PRICE', items: [{ target, quantity: 1 }, { target: { kind: 'PRODUCT', ids: [`prod_${i % 20}`] }, quantity: 1 }], priceMinor: 3000 };
    case 7:
      return { type: 'FREE_SHIPPING' };
    default:
      return { type: 'GIFT', variantId: `var_${i % 50}`, quantity: 1 };
  }
}
