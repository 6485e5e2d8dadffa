/**
 * The contract of the promotion engine: what a promotion is, what the caller hands in to price a
 * cart, and what comes back. Storage, the admin API, coupons, `Cart` fields and the checkout quote
 * all build on these types, so they are plain data (no classes, no functions) that survive a trip
 * through JSON or a database row, apart from `Date` for instants.
 *
 * Money is always an integer number of minor units (cents) of one currency; percentages are whole
 * percent. Nothing here is a float.
 */

// ─── Promotion definition ────────────────────────────────────────────────────────────────────────

/** Only ACTIVE promotions apply; the others are reported as INACTIVE so an admin sees why. */
export type PromotionStatus = 'ACTIVE' | 'DRAFT' | 'PAUSED' | 'ARCHIVED';

/**
 * Which lines a condition or an action is about. A line matches a PRODUCT target when its
 * productId is listed, a VARIANT target when its variantId is, a CATEGORY target when any of its
 * categoryIds is.
 */
export interface LineTarget {
  kind: 'PRODUCT' | 'VARIANT' | 'CATEGORY';
  ids: readonly string[];
}

/**
 * Conditions a cart must meet; all of them must hold. Scope that every promotion has (status,
 * schedule, channels, store locations, coupon) lives on the definition itself instead, because
 * storage and badges need to filter on it without interpreting a list.
 */
export type PromotionCondition =
  /** The cart subtotal before any discount reaches `amountMinor` (reaching it exactly is enough). */
  | { type: 'MIN_SUBTOTAL'; amountMinor: number }
  /** The cart holds at least `minQuantity` units, summed over every line matching `target`. */
  | { type: 'CART_CONTAINS'; target: LineTarget; minQuantity: number }
  /** The customer belongs to at least one of `segments` (e.g. FIRST_TIME_BUYER). */
  | { type: 'CUSTOMER_SEGMENT'; segments: readonly string[] };

/** One rung of a tiered spend promotion: from a subtotal of `thresholdMinor`, `amountOffMinor` off. */
export interface SpendTier {
  thresholdMinor: number;
  amountOffMinor: number;
}

/** A component of a fixed-price bundle: `quantity` units of lines matching `target`. */
export interface BundleItem {
  target: LineTarget;
  quantity: number;
}

/**
 * What a promotion gives. Each action belongs to one discount class (see `discountClassOf`), which
 * is what stacking rules combine on.
 */
export type PromotionAction =
  /** ORDER class: `percent` (1–100) of what is left of every line. */
  | { type: 'ORDER_PERCENT_OFF'; percent: number }
  /** ORDER class: a fixed amount off the order, at most what is left of the lines. */
  | { type: 'ORDER_AMOUNT_OFF'; amountMinor: number }
  /** ORDER class: the amount of the highest tier whose threshold the subtotal reaches. */
  | { type: 'TIERED_SPEND'; tiers: readonly SpendTier[] }
  /** PRODUCT class: `percent` (1–100) of what is left of every line matching `target`. */
  | { type: 'LINES_PERCENT_OFF'; target: LineTarget; percent: number }
  /** PRODUCT class: `amountMinorPerUnit` off every matching unit, at most what is left of the line. */
  | { type: 'LINES_AMOUNT_OFF'; target: LineTarget; amountMinorPerUnit: number }
  /**
   * PRODUCT class: of every `buyQuantity + getQuantity` matching units, the `getQuantity` cheapest
   * are discounted by `percent` (100 = free), repeated for every full group, at most `maxGroups`
   * times when set. "2 for 1" is buy 1, get 1 at 100 %.
   */
  | { type: 'BUY_X_GET_Y'; target: LineTarget; buyQuantity: number; getQuantity: number; percent: number; maxGroups: number | null }
  /** PRODUCT class: every complete set of `items` costs `priceMinor` together. */
  | { type: 'BUNDLE_FIXED_PRICE'; items: readonly BundleItem[]; priceMinor: number }
  /** SHIPPING class: the shipping fee is waived. */
  | { type: 'FREE_SHIPPING' }
  /**
   * PRODUCT class: `quantity` units of `variantId` are free. The cart must hold them: the result
   * lists the gift whether or not it is in the cart yet, and discounts it once it is.
   */
  | { type: 'GIFT'; variantId: string; quantity: number };

export type PromotionActionType = PromotionAction['type'];

/** Shopify's `combinesWith` classes: what kind of saving a promotion gives. */
export type DiscountClass = 'ORDER' | 'PRODUCT' | 'SHIPPING';

/** Which classes of other promotions this one may be combined with. */
export interface CombinesWith {
  order: boolean;
  product: boolean;
  shipping: boolean;
}

/**
 * How a promotion stacks with others.
 * - EXCLUSIVE: applies alone or not at all. The best exclusive promotion (most saving) is compared
 *   with the best combination of the other promotions; it wins only if it saves strictly more.
 * - COMBINABLE: applies together with promotions it combines with, both ways (A allows B's class
 *   and B allows A's class), as Shopify's `combinesWith` does.
 * - BEST_DEAL: of the promotions sharing `group`, only the one that saves the most applies; that one
 *   then combines like a COMBINABLE promotion.
 */
export type Stacking =
  | { mode: 'EXCLUSIVE' }
  | { mode: 'COMBINABLE'; combinesWith: CombinesWith }
  | { mode: 'BEST_DEAL'; group: string; combinesWith: CombinesWith };

export interface PromotionDefinition {
  /** Unique among the candidates; the final tie-breaker of every ordering. */
  id: string;
  name: string;
  status: PromotionStatus;
  /** All amounts of the promotion are in this currency; it applies to carts in it only. */
  currencyCode: string;
  /** Higher applies first; equal priorities apply in id order. */
  priority: number;
  /** Empty means every channel. */
  channels: readonly string[];
  /** Store location ids; empty means everywhere, including carts with no location. */
  locationIds: readonly string[];
  /** Inclusive; null for no start. */
  startsAt: Date | null;
  /** Exclusive; null for no end. */
  endsAt: Date | null;
  /** When true, applies only when one of its codes is entered and valid (see `CouponFact`). */
  requiresCoupon: boolean;
  conditions: readonly PromotionCondition[];
  action: PromotionAction;
  stacking: Stacking;
  /** Uses over all customers; null for no limit. */
  usageLimit: number | null;
  /** Uses by one customer; null for no limit. */
  usageLimitPerCustomer: number | null;
  /** Total discount the campaign may give, in minor units; null for no cap. */
  budgetMinor: number | null;
}

// ─── Input ───────────────────────────────────────────────────────────────────────────────────────

export interface CartLineInput {
  /** Unique within the cart; breaks every tie between lines. */
  lineId: string;
  variantId: string;
  productId: string;
  categoryIds: readonly string[];
  quantity: number;
  unitPriceMinor: number;
}

export interface CartInput {
  currencyCode: string;
  channel: string;
  /** The store the cart is served at (a POS till), null online. */
  locationId: string | null;
  /** Null for a guest. */
  customerId: string | null;
  customerSegments: readonly string[];
  lines: readonly CartLineInput[];
  /** As entered; matched without regard to case or surrounding spaces. */
  couponCodes: readonly string[];
  /** Null when no shipping method is chosen (or pickup): nothing to waive. */
  shippingMinor: number | null;
}

/** Counts kept by storage, read before pricing. Missing promotions count as never used. */
export interface PromotionUsage {
  promotionId: string;
  /** Uses by every customer so far. */
  totalUses: number;
  /** Uses by this cart's customer so far; 0 for a guest. */
  customerUses: number;
  /** Discount given so far, in the promotion's currency. */
  budgetSpentMinor: number;
}

/**
 * What storage knows of an entered code. Codes belong to promotions, so only VALID names the
 * promotion it unlocks; the others still name it when the code exists, so the explanation can
 * point at the promotion the shopper was after.
 */
export type CouponState =
  | { status: 'UNKNOWN' }
  | { status: 'EXPIRED'; promotionId: string }
  | { status: 'USED_UP'; promotionId: string }
  | { status: 'OTHER_CHANNEL'; promotionId: string }
  /** A personal code of another customer: only its owner (or a record merged into them) may use it. */
  | { status: 'NOT_YOURS'; promotionId: string }
  | { status: 'VALID'; promotionId: string };

export interface CouponFact {
  /** Any case; compared after `normalizeCouponCode`. */
  code: string;
  state: CouponState;
}

export interface UsageFacts {
  promotions: readonly PromotionUsage[];
  /** One per entered code; an entered code without a fact counts as UNKNOWN. */
  coupons: readonly CouponFact[];
}

export interface PricingInput {
  cart: CartInput;
  now: Date;
  promotions: readonly PromotionDefinition[];
  usage: UsageFacts;
}

// ─── Output ──────────────────────────────────────────────────────────────────────────────────────

/** Every reason a promotion may not apply, in the order they are checked (first is reported first). */
export const NOT_APPLIED_REASON_CODES = [
  'INACTIVE',
  'CURRENCY_MISMATCH',
  'NOT_STARTED',
  'ENDED',
  'NOT_IN_CHANNEL',
  'NOT_AT_LOCATION',
  'NOT_IN_SEGMENT',
  'COUPON_REQUIRED',
  'COUPON_UNKNOWN',
  'COUPON_EXPIRED',
  'COUPON_USED_UP',
  'COUPON_NOT_YOURS',
  'USAGE_LIMIT_REACHED',
  'CUSTOMER_USAGE_LIMIT_REACHED',
  'BUDGET_EXHAUSTED',
  'PRODUCTS_NOT_IN_CART',
  'MIN_SUBTOTAL_NOT_MET',
  'EXCLUDED_BY',
  'NOTHING_TO_DISCOUNT',
] as const;

export type NotAppliedReasonCode = (typeof NOT_APPLIED_REASON_CODES)[number];

/** Units of a target still missing from the cart. */
export interface MissingProducts {
  target: LineTarget;
  quantityMissing: number;
}

/** Why a promotion did not apply, with what a cashier needs to tell the shopper. */
export type NotAppliedReason =
  | { code: 'INACTIVE'; status: PromotionStatus }
  | { code: 'CURRENCY_MISMATCH'; promotionCurrencyCode: string }
  | { code: 'NOT_STARTED'; startsAt: Date }
  | { code: 'ENDED'; endedAt: Date }
  | { code: 'NOT_IN_CHANNEL'; channels: readonly string[]; couponCode: string | null }
  | { code: 'NOT_AT_LOCATION'; locationIds: readonly string[] }
  | { code: 'NOT_IN_SEGMENT'; segments: readonly string[] }
  | { code: 'COUPON_REQUIRED' }
  | { code: 'COUPON_UNKNOWN'; couponCode: string }
  | { code: 'COUPON_EXPIRED'; couponCode: string }
  | { code: 'COUPON_USED_UP'; couponCode: string }
  | { code: 'COUPON_NOT_YOURS'; couponCode: string }
  | { code: 'USAGE_LIMIT_REACHED'; limit: number }
  | { code: 'CUSTOMER_USAGE_LIMIT_REACHED'; limit: number }
  | { code: 'BUDGET_EXHAUSTED'; budgetMinor: number }
  | { code: 'PRODUCTS_NOT_IN_CART'; missing: readonly MissingProducts[] }
  | { code: 'MIN_SUBTOTAL_NOT_MET'; missingMinor: number }
  | { code: 'EXCLUDED_BY'; promotionId: string }
  | { code: 'NOTHING_TO_DISCOUNT' };

/**
 * One entry per candidate promotion, in evaluation order. A NOT_APPLIED entry lists every reason
 * found, most fundamental first (`NOT_APPLIED_REASON_CODES` order); `reasons[0]` is the one to show.
 */
export type PromotionExplanation =
  | { promotionId: string; name: string; outcome: 'APPLIED'; amountMinor: number; couponCode: string | null }
  | { promotionId: string; name: string; outcome: 'NOT_APPLIED'; reasons: readonly [NotAppliedReason, ...NotAppliedReason[]] };

export interface LineAllocation {
  lineId: string;
  amountMinor: number;
}

/** A promotion that applied. `lineAllocations` sum to `amountMinor - shippingDiscountMinor`. */
export interface AppliedPromotion {
  promotionId: string;
  name: string;
  discountClass: DiscountClass;
  /** The whole saving: line allocations plus shipping discount. 0 only for a gift not yet in the cart. */
  amountMinor: number;
  /** Only lines that received something, in the order of the cart's lines. */
  lineAllocations: readonly LineAllocation[];
  shippingDiscountMinor: number;
  /** The entered code (normalized) that unlocked it, null for an automatic promotion. */
  couponCode: string | null;
}

/** A gift the cart must hold. The cart adds `quantity - quantityInCart` units when positive. */
export interface GiftRequirement {
  promotionId: string;
  variantId: string;
  quantity: number;
  quantityInCart: number;
  /** Discount given on the gift units already in the cart. */
  discountMinor: number;
}

export interface PricedLine {
  lineId: string;
  /** quantity × unitPriceMinor. */
  subtotalMinor: number;
  discountMinor: number;
  /** subtotalMinor − discountMinor, never negative. */
  totalMinor: number;
  /** Which promotions took how much off this line, in application order. */
  discounts: readonly { promotionId: string; amountMinor: number }[];
}

/** An entered code no candidate promotion used, and why. */
export interface UnmatchedCoupon {
  /** Normalized. */
  code: string;
  reason: 'COUPON_UNKNOWN' | 'COUPON_EXPIRED' | 'COUPON_USED_UP' | 'COUPON_NOT_YOURS' | 'NOT_IN_CHANNEL';
}

export interface CartPricingResult {
  currencyCode: string;
  /** Sum of line subtotals, before discounts. */
  subtotalMinor: number;
  /** In the cart's line order. */
  lines: readonly PricedLine[];
  /** In application order. */
  applied: readonly AppliedPromotion[];
  gifts: readonly GiftRequirement[];
  /** Sum of line discounts. */
  lineDiscountTotalMinor: number;
  shippingMinor: number | null;
  shippingDiscountMinor: number;
  /** lineDiscountTotalMinor + shippingDiscountMinor. */
  discountTotalMinor: number;
  /** subtotal − line discounts + shipping − shipping discount; never negative. */
  totalMinor: number;
  /** One per candidate promotion, in evaluation order. */
  explanations: readonly PromotionExplanation[];
  unmatchedCoupons: readonly UnmatchedCoupon[];
}

/** A problem with a promotion definition, pointed at the field (`action.tiers[1].thresholdMinor`). */
export interface DefinitionProblem {
  field: string;
  code:
    | 'REQUIRED'
    | 'NOT_AN_INTEGER'
    | 'NEGATIVE'
    | 'NOT_POSITIVE'
    | 'PERCENT_OUT_OF_RANGE'
    | 'EMPTY'
    | 'DUPLICATE'
    | 'NOT_ASCENDING'
    | 'ENDS_BEFORE_START'
    | 'UNKNOWN_VARIANT'
    | 'BUNDLE_PRICE_NOT_BELOW_ITEMS'
    | 'INVALID_CURRENCY';
  message: string;
}
