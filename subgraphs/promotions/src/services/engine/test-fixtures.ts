import type { CartInput, CartLineInput, PricingInput, PromotionDefinition, UsageFacts } from './types';

/** Builders for the engine's tests: sensible defaults, override what the test is about. */

export const NOW = new Date('2026-11-28T12:00:00.000Z');
export const EVERYTHING = { order: true, product: true, shipping: true } as const;

export function promotion(overrides: Partial<PromotionDefinition> & Pick<PromotionDefinition, 'id'>): PromotionDefinition {
  return {
    name: `Promotion ${overrides.id}`,
    status: 'ACTIVE',
    currencyCode: 'EUR',
    priority: 0,
    channels: [],
    locationIds: [],
    startsAt: null,
    endsAt: null,
    requiresCoupon: false,
    conditions: [],
    action: { type: 'ORDER_PERCENT_OFF', percent: 10 },
    stacking: { mode: 'COMBINABLE', combinesWith: EVERYTHING },
    usageLimit: null,
    usageLimitPerCustomer: null,
    budgetMinor: null,
    ...overrides,
  };
}

export function line(lineId: string, unitPriceMinor: number, quantity = 1, overrides: Partial<CartLineInput> = {}): CartLineInput {
  return { lineId, variantId: `var_${lineId}`, productId: `prod_${lineId}`, categoryIds: [], quantity, unitPriceMinor, ...overrides };
}

export function cart(overrides: Partial<CartInput> = {}): CartInput {
  return {
    currencyCode: 'EUR',
    channel: 'WEB',
    locationId: null,
    customerId: 'cus_anna',
    customerSegments: [],
    lines: [line('a', 6000), line('b', 4000)],
    couponCodes: [],
    shippingMinor: null,
    ...overrides,
  };
}

export function input(promotions: PromotionDefinition[], cartOverrides: Partial<CartInput> = {}, usage: Partial<UsageFacts> = {}, now = NOW): PricingInput {
  return { cart: cart(cartOverrides), now, promotions, usage: { promotions: [], coupons: [], ...usage } };
}
