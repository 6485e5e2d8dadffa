import { z } from 'zod';
import type { Channel } from '@omni/auth';
import { createServiceClient, ServiceCallError, type ServiceClient } from '@omni/graphql';
import { COUPON_REFUSALS, type CouponCheck, type CouponCheckCart } from '../services/coupon-check';

const minor = z.number().int().nonnegative();

const cartQuoteSchema = z.object({
  cartId: z.string(),
  currencyCode: z.string(),
  subtotalMinor: minor,
  discountTotalMinor: minor,
  shippingMinor: minor,
  totalMinor: minor,
  // `couponCode` is the code that unlocked the promotion (null for automatic ones): usage is held per code.
  discounts: z.array(z.object({ promotionId: z.string(), title: z.string(), amountMinor: minor, couponCode: z.string().nullable() })),
  lines: z.array(z.object({ lineId: z.string(), unitPriceMinor: minor, discountMinor: minor })),
});
/** The promotions subgraph's final price of a cart, discounts allocated to its lines. */
export type CartQuote = z.infer<typeof cartQuoteSchema>;

export interface CartQuoteRequest {
  cartId: string;
  channel: Channel;
  locationId: string | null;
  customerId: string | null;
  currencyCode: string;
  lines: readonly { lineId: string; variantId: string; quantity: number; unitPriceMinor: number }[];
  couponCodes: readonly string[];
  shippingFeeMinor: number;
}

const QUOTE_CART = /* GraphQL */ `
  query CartQuote($input: CartQuoteInput!) {
    quoteCart(input: $input) {
      cartId currencyCode subtotalMinor discountTotalMinor shippingMinor totalMinor
      discounts { promotionId title amountMinor couponCode }
      lines { lineId unitPriceMinor discountMinor }
    }
  }
`;

const COUPON_CODE_CHECK = /* GraphQL */ `
  query CouponCodeCheck($code: String!, $channel: Channel!, $currencyCode: String!, $customerId: ID) {
    couponCodeCheck(code: $code, channel: $channel, currencyCode: $currencyCode, customerId: $customerId) { refusal startsAt }
  }
`;

const couponCodeCheckSchema = z.object({
  refusal: z.enum(COUPON_REFUSALS).nullable(),
  startsAt: z.iso.datetime({ offset: true }).nullable().transform((value) => (value === null ? null : new Date(value))),
});

const REFUSAL_REASONS = ['USAGE_LIMIT_REACHED', 'CUSTOMER_USAGE_LIMIT_REACHED', 'BUDGET_EXHAUSTED', 'COUPON_USED_UP'] as const;

const usageHoldSchema = z
  .object({
    holdId: z.string().min(1).nullable(),
    refused: z.array(z.object({ promotionId: z.string(), couponCode: z.string().nullable(), reason: z.enum(REFUSAL_REASONS) })),
  })
  // All or nothing: a hold that also refuses something (or neither) is not an answer checkout can act on.
  .refine((hold) => (hold.holdId === null) === (hold.refused.length > 0));
/** The promotions subgraph's answer to a usage hold: the hold, or every use it refused. */
export type UsageHold = z.infer<typeof usageHoldSchema>;

export interface UsageHoldRequest {
  holdKey: string;
  customerId: string | null;
  uses: readonly { promotionId: string; couponCode: string | null; discountMinor: number }[];
}

const HOLD_USAGE = /* GraphQL */ `
  mutation HoldPromotionUsage($input: HoldPromotionUsageInput!) {
    holdPromotionUsage(input: $input) { holdId refused { promotionId couponCode reason } }
  }
`;
const CONFIRM_USAGE = /* GraphQL */ `
  mutation ConfirmPromotionUsage($input: ConfirmPromotionUsageInput!) { confirmPromotionUsage(input: $input) }
`;
const RELEASE_USAGE = /* GraphQL */ `
  mutation ReleasePromotionUsage($input: ReleasePromotionUsageInput!) { releasePromotionUsage(input: $input) }
`;

export interface PromotionsClient {
  /** The same evaluation as `Cart.total`, for the cart as checkout is about to charge it. */
  quoteCart(request: CartQuoteRequest): Promise<CartQuote>;
  /** Holds every use or none; the same `holdKey` answers the same hold. */
  holdPromotionUsage(request: UsageHoldRequest): Promise<UsageHold>;
  /** Counts a hold's uses for the order; idempotent. False when the hold is unknown or lapsed. */
  confirmPromotionUsage(holdId: string, orderId: string): Promise<boolean>;
  /** Gives a hold's uses back; idempotent, true for unknown or lapsed holds. */
  releasePromotionUsage(holdId: string): Promise<boolean>;
  /** Whether a code can unlock anything on a cart of this channel, currency and customer; a refusal says why not. */
  couponCodeCheck(code: string, cart: CouponCheckCart): Promise<CouponCheck>;
}

function booleanAnswer(data: Record<string, unknown>, field: string): boolean {
  const answer = data[field];
  if (typeof answer !== 'boolean') throw new ServiceCallError(`The promotions subgraph answered ${field} without a boolean`);
  return answer;
}

export function createPromotionsClient(options: { url: string | (() => string); signingSecret: string }): PromotionsClient {
  const client: ServiceClient = createServiceClient({ service: 'cart', url: options.url, signingSecret: options.signingSecret });
  return {
    async quoteCart(request) {
      const input = { ...request, lines: request.lines.map((line) => ({ ...line })), couponCodes: [...request.couponCodes] };
      const data = await client.request<{ quoteCart: unknown }>(QUOTE_CART, { input }, request.channel);
      const parsed = cartQuoteSchema.safeParse(data.quoteCart);
      if (!parsed.success || parsed.data.cartId !== request.cartId) throw new ServiceCallError('The promotions subgraph returned a malformed cart quote');
      return parsed.data;
    },
    async holdPromotionUsage(request) {
      const input = { holdKey: request.holdKey, customerId: request.customerId, uses: request.uses.map((use) => ({ ...use })) };
      const data = await client.request<{ holdPromotionUsage: unknown }>(HOLD_USAGE, { input });
      const parsed = usageHoldSchema.safeParse(data.holdPromotionUsage);
      if (!parsed.success) throw new ServiceCallError('The promotions subgraph returned a malformed usage hold');
      return parsed.data;
    },
    async confirmPromotionUsage(holdId, orderId) {
      return booleanAnswer(await client.request<Record<string, unknown>>(CONFIRM_USAGE, { input: { holdId, orderId } }), 'confirmPromotionUsage');
    },
    async releasePromotionUsage(holdId) {
      return booleanAnswer(await client.request<Record<string, unknown>>(RELEASE_USAGE, { input: { holdId } }), 'releasePromotionUsage');
    },
    async couponCodeCheck(code, cart) {
      const data = await client.request<{ couponCodeCheck: unknown }>(COUPON_CODE_CHECK, { code, channel: cart.channel, currencyCode: cart.currencyCode, customerId: cart.customerId }, cart.channel);
      const parsed = couponCodeCheckSchema.safeParse(data.couponCodeCheck);
      if (!parsed.success) throw new ServiceCallError('The promotions subgraph returned a malformed coupon code check');
      return parsed.data;
    },
  };
}
