import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeCouponCode } from './coupon-codes';
import { quoteCart } from './quote-cart';
import { NOW } from './test-fixtures';
import type {
  CartInput,
  CartLineInput,
  CouponFact,
  LineTarget,
  PricingInput,
  PromotionAction,
  PromotionCondition,
  PromotionDefinition,
  PromotionUsage,
  Stacking,
} from './types';

/**
 * Random carts and promotion sets over small id pools, so promotions often target what is in the
 * cart and collide with each other; that is where stacking and allocation go wrong.
 */

const CHANNELS = ['WEB', 'MOBILE_APP', 'POS', 'MESSENGER'] as const;
/** Promotions are scoped to the first two; the third is a store no promotion names. */
const STORES = ['loc_berlin', 'loc_leipzig', 'loc_hamburg'] as const;
const store = fc.constantFrom(...STORES);
const CODES = ['SAVE10', 'WELCOME', 'VIP', 'FRIEND'];
const amount = fc.integer({ min: 0, max: 30_000 });
const percent = fc.integer({ min: 1, max: 100 });
const smallCount = fc.integer({ min: 1, max: 4 });

const target: fc.Arbitrary<LineTarget> = fc.oneof(
  fc.record({ kind: fc.constant('PRODUCT' as const), ids: fc.subarray(['prod_0', 'prod_1', 'prod_2', 'prod_3'], { minLength: 1 }) }),
  fc.record({ kind: fc.constant('VARIANT' as const), ids: fc.subarray(['var_0', 'var_1', 'var_2', 'var_3', 'var_4'], { minLength: 1 }) }),
  fc.record({ kind: fc.constant('CATEGORY' as const), ids: fc.subarray(['cat_0', 'cat_1', 'cat_2'], { minLength: 1 }) }),
);

const action: fc.Arbitrary<PromotionAction> = fc.oneof(
  fc.record({ type: fc.constant('ORDER_PERCENT_OFF' as const), percent }),
  fc.record({ type: fc.constant('ORDER_AMOUNT_OFF' as const), amountMinor: fc.integer({ min: 1, max: 20_000 }) }),
  fc
    .uniqueArray(fc.integer({ min: 0, max: 40_000 }), { minLength: 1, maxLength: 3 })
    .map((thresholds) => thresholds.sort((a, b) => a - b))
    .map((thresholds) => ({ type: 'TIERED_SPEND' as const, tiers: thresholds.map((thresholdMinor, i) => ({ thresholdMinor, amountOffMinor: 500 * (i + 1) })) })),
  fc.record({ type: fc.constant('LINES_PERCENT_OFF' as const), target, percent }),
  fc.record({ type: fc.constant('LINES_AMOUNT_OFF' as const), target, amountMinorPerUnit: fc.integer({ min: 1, max: 10_000 }) }),
  fc.record({
    type: fc.constant('BUY_X_GET_Y' as const),
    target,
    buyQuantity: smallCount,
    getQuantity: smallCount,
    percent,
    maxGroups: fc.option(smallCount, { nil: null }),
  }),
  fc.record({
    type: fc.constant('BUNDLE_FIXED_PRICE' as const),
    items: fc.array(fc.record({ target, quantity: fc.integer({ min: 1, max: 2 }) }), { minLength: 1, maxLength: 3 }),
    priceMinor: amount,
  }),
  fc.constant({ type: 'FREE_SHIPPING' as const }),
  fc.record({ type: fc.constant('GIFT' as const), variantId: fc.constantFrom('var_0', 'var_1', 'var_9'), quantity: smallCount }),
);

const condition: fc.Arbitrary<PromotionCondition> = fc.oneof(
  fc.record({ type: fc.constant('MIN_SUBTOTAL' as const), amountMinor: amount }),
  fc.record({ type: fc.constant('CART_CONTAINS' as const), target, minQuantity: smallCount }),
  fc.record({ type: fc.constant('CUSTOMER_SEGMENT' as const), segments: fc.subarray(['FIRST_TIME_BUYER', 'ENGAGED_WITH_PRODUCT', 'VIP'], { minLength: 1 }) }),
);

const combinesWith = fc.oneof(
  { arbitrary: fc.constant({ order: true, product: true, shipping: true }), weight: 2 },
  { arbitrary: fc.record({ order: fc.boolean(), product: fc.boolean(), shipping: fc.boolean() }), weight: 1 },
);
const stacking: fc.Arbitrary<Stacking> = fc.oneof(
  { arbitrary: fc.constant({ mode: 'EXCLUSIVE' as const }), weight: 1 },
  { arbitrary: fc.record({ mode: fc.constant('COMBINABLE' as const), combinesWith }), weight: 4 },
  { arbitrary: fc.record({ mode: fc.constant('BEST_DEAL' as const), group: fc.constantFrom('g1', 'g2'), combinesWith }), weight: 2 },
);

const hour = 3_600_000;
const instant = fc.integer({ min: -3, max: 3 }).map((h) => new Date(NOW.getTime() + h * hour));

/** Mostly `usual`, sometimes `unusual`: enough promotions apply for stacking to be exercised. */
function mostly<T>(usual: fc.Arbitrary<T>, unusual: fc.Arbitrary<T>, weight = 4): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: usual, weight }, { arbitrary: unusual, weight: 1 });
}

type Scope = 'UNSCOPED' | 'ANY';

function promotionBody(scope: Scope) {
  return fc.record({
    name: fc.constant('promotion'),
    status: mostly(fc.constant('ACTIVE' as const), fc.constantFrom('PAUSED' as const, 'DRAFT' as const), 9),
    currencyCode: mostly(fc.constant('EUR'), fc.constant('USD'), 9),
    priority: fc.integer({ min: 0, max: 3 }),
    channels: scope === 'UNSCOPED' ? fc.constant<string[]>([]) : mostly(fc.constant<string[]>([]), fc.subarray([...CHANNELS], { minLength: 1 }), 2),
    locationIds: scope === 'UNSCOPED' ? fc.constant<string[]>([]) : mostly(fc.constant<string[]>([]), fc.subarray([STORES[0], STORES[1]], { minLength: 1 }), 3),
    startsAt: mostly(fc.constant(null), instant),
    endsAt: mostly(fc.constant(null), instant),
    requiresCoupon: mostly(fc.constant(false), fc.constant(true), 3),
    conditions: mostly(fc.constant<PromotionCondition[]>([]), fc.array(condition, { minLength: 1, maxLength: 2 }), 2),
    action,
    stacking,
    usageLimit: mostly(fc.constant(null), smallCount, 3),
    usageLimitPerCustomer: mostly(fc.constant(null), smallCount, 3),
    budgetMinor: mostly(fc.constant(null), fc.integer({ min: 1, max: 5_000 }), 3),
  });
}

function promotions(scope: Scope): fc.Arbitrary<PromotionDefinition[]> {
  return fc.array(promotionBody(scope), { minLength: 1, maxLength: 8 }).map((bodies) => bodies.map((body, i) => ({ id: `promo_${i}`, ...body }) as PromotionDefinition));
}

const lines: fc.Arbitrary<CartLineInput[]> = fc
  .array(
    fc.record({
      variant: fc.integer({ min: 0, max: 4 }),
      categoryIds: fc.subarray(['cat_0', 'cat_1', 'cat_2']),
      quantity: fc.integer({ min: 1, max: 6 }),
      unitPriceMinor: fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 99 })),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((raw) =>
    raw.map(({ variant, ...rest }, i) => ({ lineId: `line_${i}`, variantId: `var_${variant}`, productId: `prod_${variant % 4}`, ...rest })),
  );

const pricingInput = (scope: Scope): fc.Arbitrary<PricingInput> =>
  fc
    .record({
      promotions: promotions(scope),
      lines,
      customerSegments: fc.subarray(['FIRST_TIME_BUYER', 'ENGAGED_WITH_PRODUCT', 'VIP']),
      entered: fc.subarray(CODES).chain((codes) => fc.tuple(...codes.map((code) => fc.constantFrom(code, code.toLowerCase(), ` ${code} `)))),
      shippingMinor: fc.option(fc.integer({ min: 0, max: 1_000 }), { nil: null }),
      channel: fc.constantFrom(...CHANNELS),
      // A till's cart is at a store; an online one mostly is not (admins may still name one).
      store,
      onlineStore: mostly(fc.constant(null), store, 3),
      couponStates: fc.array(fc.tuple(mostly(fc.constant('VALID'), fc.constantFrom('UNKNOWN', 'EXPIRED', 'USED_UP', 'OTHER_CHANNEL'), 2), fc.integer({ min: 0, max: 7 })), {
        minLength: CODES.length,
        maxLength: CODES.length,
      }),
      usage: fc.array(
        mostly(fc.constant<[number, number, number]>([0, 0, 0]), fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 6_000 })), 2),
        { minLength: 8, maxLength: 8 },
      ),
    })
    .map(({ promotions, lines, customerSegments, entered, shippingMinor, channel, store, onlineStore, couponStates, usage }) => {
      const coupons: CouponFact[] = CODES.map((code, i) => {
        const [status, promotionIndex] = couponStates[i]!;
        const promotionId = `promo_${promotionIndex}`;
        return { code, state: status === 'UNKNOWN' ? { status } : ({ status, promotionId } as CouponFact['state']) };
      });
      const promotionUsage: PromotionUsage[] = usage.map(([totalUses, customerUses, budgetSpentMinor], i) => ({
        promotionId: `promo_${i}`,
        totalUses,
        customerUses,
        budgetSpentMinor,
      }));
      const cart: CartInput = {
        currencyCode: 'EUR',
        channel,
        locationId: channel === 'POS' ? store : onlineStore,
        customerId: 'cus_1',
        customerSegments,
        lines,
        couponCodes: entered,
        shippingMinor,
      };
      return { cart, now: NOW, promotions, usage: { promotions: promotionUsage, coupons } };
    });

const runs = { numRuns: 500 };

describe('quoteCart properties', () => {
  it('prices a cart the same in WEB, MOBILE_APP, POS and MESSENGER when no promotion is channel- or store-scoped', () => {
    fc.assert(
      fc.property(pricingInput('UNSCOPED'), fc.constantFrom(...STORES), (input, till) => {
        const [first, ...others] = CHANNELS.map((channel) => quoteCart({ ...input, cart: { ...input.cart, channel, locationId: channel === 'POS' ? till : null } }));
        for (const other of others) expect(other).toEqual(first);
      }),
      runs,
    );
  });

  it('gives the same discounts in any two channels and stores that every promotion admits both or neither of', () => {
    const setting = fc.record({ channel: fc.constantFrom(...CHANNELS), locationId: fc.option(store, { nil: null }) });
    fc.assert(
      fc.property(pricingInput('ANY'), setting, setting, (input, a, b) => {
        const admits = (promotion: PromotionDefinition, at: typeof a) =>
          (promotion.channels.length === 0 || promotion.channels.includes(at.channel)) &&
          (promotion.locationIds.length === 0 || (at.locationId !== null && promotion.locationIds.includes(at.locationId)));
        // A promotion scoped to one setting and not the other is the only way the two may differ.
        const promotions = input.promotions.filter((promotion) => admits(promotion, a) === admits(promotion, b));
        const priced = (at: typeof a) => quoteCart({ ...input, promotions, cart: { ...input.cart, ...at } });
        const [inA, inB] = [priced(a), priced(b)];
        expect(inB.applied).toEqual(inA.applied);
        expect(inB.lines).toEqual(inA.lines);
        expect(inB.totalMinor).toBe(inA.totalMinor);
      }),
      runs,
    );
  });

  it('never goes negative, and every allocation sums exactly and stays within its line', () => {
    fc.assert(
      fc.property(pricingInput('ANY'), (input) => {
        const result = quoteCart(input);
        expect(result.totalMinor).toBeGreaterThanOrEqual(0);
        for (const applied of result.applied) {
          const allocated = applied.lineAllocations.reduce((sum, a) => sum + a.amountMinor, 0);
          expect(allocated + applied.shippingDiscountMinor).toBe(applied.amountMinor);
          for (const allocation of applied.lineAllocations) expect(allocation.amountMinor).toBeGreaterThan(0);
        }
        for (const line of result.lines) {
          expect(line.discountMinor).toBeLessThanOrEqual(line.subtotalMinor);
          expect(line.totalMinor).toBe(line.subtotalMinor - line.discountMinor);
          expect(line.discounts.reduce((sum, d) => sum + d.amountMinor, 0)).toBe(line.discountMinor);
          const fromApplied = result.applied.flatMap((a) => a.lineAllocations.filter((l) => l.lineId === line.lineId)).reduce((s, l) => s + l.amountMinor, 0);
          expect(fromApplied).toBe(line.discountMinor);
        }
        expect(result.shippingDiscountMinor).toBeLessThanOrEqual(result.shippingMinor ?? 0);
        expect(result.discountTotalMinor).toBe(result.applied.reduce((sum, a) => sum + a.amountMinor, 0));
        expect(result.totalMinor).toBe(result.subtotalMinor + (result.shippingMinor ?? 0) - result.discountTotalMinor);
        for (const value of [result.totalMinor, result.discountTotalMinor, ...result.lines.map((l) => l.discountMinor)]) expect(Number.isSafeInteger(value)).toBe(true);
      }),
      runs,
    );
  });

  it('does not depend on the order promotions or usage facts are listed in', () => {
    fc.assert(
      fc.property(
        pricingInput('ANY').chain((input) =>
          fc.tuple(
            fc.constant(input),
            fc.shuffledSubarray([...input.promotions], { minLength: input.promotions.length, maxLength: input.promotions.length }),
            fc.shuffledSubarray([...input.usage.promotions], { minLength: input.usage.promotions.length, maxLength: input.usage.promotions.length }),
          ),
        ),
        ([input, shuffled, shuffledUsage]) => {
          expect(quoteCart({ ...input, promotions: shuffled, usage: { ...input.usage, promotions: shuffledUsage } })).toEqual(quoteCart(input));
        },
      ),
      runs,
    );
  });

  it('gives each line the same discounts whatever order the cart lists its lines in', () => {
    fc.assert(
      fc.property(
        pricingInput('ANY').chain((input) =>
          fc.tuple(fc.constant(input), fc.shuffledSubarray([...input.cart.lines], { minLength: input.cart.lines.length, maxLength: input.cart.lines.length })),
        ),
        ([input, shuffledLines]) => {
          const byLine = (result: ReturnType<typeof quoteCart>) => Object.fromEntries(result.lines.map((l) => [l.lineId, l]));
          const original = quoteCart(input);
          const shuffled = quoteCart({ ...input, cart: { ...input.cart, lines: shuffledLines } });
          expect(byLine(shuffled)).toEqual(byLine(original));
          expect(shuffled.explanations).toEqual(original.explanations);
          expect(shuffled.totalMinor).toBe(original.totalMinor);
        },
      ),
      runs,
    );
  });

  it('applies a channel- or store-scoped promotion only where it is scoped', () => {
    fc.assert(
      fc.property(pricingInput('ANY'), (input) => {
        const byId = new Map(input.promotions.map((p) => [p.id, p]));
        for (const applied of quoteCart(input).applied) {
          const { channels, locationIds } = byId.get(applied.promotionId)!;
          if (channels.length > 0) expect(channels).toContain(input.cart.channel);
          if (locationIds.length > 0) expect(locationIds).toContain(input.cart.locationId);
        }
      }),
      runs,
    );
  });

  it('never applies a code-only promotion without a valid code for it', () => {
    fc.assert(
      fc.property(pricingInput('ANY'), (input) => {
        const withoutCodes = quoteCart({ ...input, cart: { ...input.cart, couponCodes: [] } });
        const codeOnly = new Set(input.promotions.filter((p) => p.requiresCoupon).map((p) => p.id));
        expect(withoutCodes.applied.filter((a) => codeOnly.has(a.promotionId))).toEqual([]);

        const states = new Map(input.usage.coupons.map((c) => [normalizeCouponCode(c.code), c.state]));
        for (const applied of quoteCart(input).applied) {
          if (!codeOnly.has(applied.promotionId)) continue;
          expect(applied.couponCode).not.toBeNull();
          expect(states.get(applied.couponCode!)).toEqual({ status: 'VALID', promotionId: applied.promotionId });
        }
      }),
      runs,
    );
  });

  it('respects usage limits and what is left of each budget', () => {
    fc.assert(
      fc.property(pricingInput('ANY'), (input) => {
        const byId = new Map(input.promotions.map((p) => [p.id, p]));
        const usage = new Map(input.usage.promotions.map((u) => [u.promotionId, u]));
        for (const applied of quoteCart(input).applied) {
          const definition = byId.get(applied.promotionId)!;
          const used = usage.get(applied.promotionId)!;
          if (definition.usageLimit !== null) expect(used.totalUses).toBeLessThan(definition.usageLimit);
          if (definition.usageLimitPerCustomer !== null) expect(used.customerUses).toBeLessThan(definition.usageLimitPerCustomer);
          if (definition.budgetMinor !== null) expect(applied.amountMinor).toBeLessThanOrEqual(definition.budgetMinor - used.budgetSpentMinor);
        }
      }),
      runs,
    );
  });

  it('explains every candidate once, and applies exactly those it says it applied', () => {
    fc.assert(
      fc.property(pricingInput('ANY'), (input) => {
        const result = quoteCart(input);
        expect(result.explanations.map((e) => e.promotionId).sort()).toEqual(input.promotions.map((p) => p.id).sort());
        const appliedIds = result.explanations.filter((e) => e.outcome === 'APPLIED').map((e) => e.promotionId);
        expect(result.applied.map((a) => a.promotionId)).toEqual(appliedIds);
        for (const explanation of result.explanations) {
          if (explanation.outcome !== 'NOT_APPLIED') continue;
          for (const reason of explanation.reasons) if (reason.code === 'EXCLUDED_BY') expect(input.promotions.some((p) => p.id === reason.promotionId)).toBe(true);
        }
        const exclusiveApplied = result.applied.filter((a) => byStacking(input, a.promotionId) === 'EXCLUSIVE');
        if (exclusiveApplied.length > 0) expect(result.applied).toHaveLength(1);
      }),
      runs,
    );
  });
});

function byStacking(input: PricingInput, id: string): Stacking['mode'] | undefined {
  return input.promotions.find((p) => p.id === id)?.stacking.mode;
}
