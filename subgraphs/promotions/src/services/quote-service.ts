import { z } from 'zod';
import { CHANNELS } from '@omni/auth';
import { badUserInput, isCurrencyCode, requireInternalCall } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import type { PromotionRow } from '../db/schema';
import { evaluateCart } from './cart-pricing-service';
import type { CartPricing } from './promotion-engine';

export const MAX_QUOTE_LINES = 250;

const minor = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * Everything a cart's price may depend on. The engine in force reads channel, currency and lines;
 * location, customer and coupon codes travel too, so conditions on them need no new contract.
 */
const quoteInput = z
  .object({
    cartId: z.string().min(1).max(100),
    channel: z.enum(CHANNELS),
    locationId: z.string().min(1).max(100).nullish(),
    customerId: z.string().min(1).max(100).nullish(),
    currencyCode: z.string().refine(isCurrencyCode, 'must be an ISO 4217 code such as "EUR"'),
    lines: z
      .array(z.object({ lineId: z.string().min(1).max(100), variantId: z.string().min(1).max(100), quantity: z.int().min(1).max(999), unitPriceMinor: minor }))
      .max(MAX_QUOTE_LINES),
    couponCodes: z.array(z.string().trim().min(1).max(100)).max(20).nullish(),
    shippingFeeMinor: minor.nullish(),
  })
  .refine((input) => new Set(input.lines.map((line) => line.lineId)).size === input.lines.length, 'each lineId at most once');
export type CartQuoteInput = z.input<typeof quoteInput>;

export interface CartQuote {
  cartId: string;
  currencyCode: string;
  subtotalMinor: number;
  discountTotalMinor: number;
  shippingMinor: number;
  totalMinor: number;
  pricing: CartPricing<PromotionRow>;
  lines: { lineId: string; unitPriceMinor: number; quantity: number; discountMinor: number; byPromotion: { promotionId: string; amountMinor: number }[] }[];
}

/**
 * The final price of a cart for checkout, called by the cart subgraph only: the same evaluation
 * as `Cart.total` (`evaluateCart`), with every discount allocated to the lines so the order keeps
 * what each line was sold for. The shipping fee is passed through: no promotion waives it yet.
 */
export async function quoteCart(ctx: PromotionsContext, rawInput: CartQuoteInput): Promise<CartQuote> {
  requireInternalCall(ctx.caller);
  const parsed = quoteInput.safeParse(rawInput);
  if (!parsed.success) throw badUserInput(`Invalid cart quote input: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
  const input = parsed.data;
  const subtotalMinor = input.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0);
  if (!Number.isSafeInteger(subtotalMinor)) throw badUserInput('The cart subtotal is too large');
  const pricing = await evaluateCart(ctx, { channel: input.channel, currencyCode: input.currencyCode, subtotalMinor, lines: input.lines });
  const shippingMinor = input.shippingFeeMinor ?? 0;
  return {
    cartId: input.cartId,
    currencyCode: input.currencyCode,
    subtotalMinor,
    discountTotalMinor: pricing.discountTotalMinor,
    shippingMinor,
    totalMinor: pricing.totalMinor + shippingMinor,
    pricing,
    lines: input.lines.map((line, index) => ({
      lineId: line.lineId,
      unitPriceMinor: line.unitPriceMinor,
      quantity: line.quantity,
      discountMinor: pricing.lines[index]!.discountMinor,
      byPromotion: pricing.lines[index]!.byPromotion,
    })),
  };
}
