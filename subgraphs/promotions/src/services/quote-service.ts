import { z } from 'zod';
import { CHANNELS } from '@omni/auth';
import { badUserInput, isCurrencyCode, requireInternalCall } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import { evaluateCart, type EvaluatedCart } from './cart-pricing-service';

export const MAX_QUOTE_LINES = 250;

const minor = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * Everything a cart's price may depend on: channel, the cart's store (store-scoped promotions),
 * currency, lines, customer (usage per customer, segments), coupon codes and the parcel fee (free
 * shipping). The store is the cart's own (`Cart.store`, what `Cart.total` is priced with), not
 * where the order is collected, so checkout charges what the cart showed.
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
  pricing: EvaluatedCart;
  lines: { lineId: string; unitPriceMinor: number; quantity: number; discountMinor: number; byPromotion: { promotionId: string; amountMinor: number }[] }[];
}

/**
 * The final price of a cart for checkout, called by the cart subgraph only: the same evaluation
 * as `Cart.total` (`evaluateCart`), with every discount allocated to the lines so the order keeps
 * what each line was sold for. A waived parcel fee lowers `shippingMinor`; `discountTotalMinor` is
 * what the lines give up, so the lines add up to it and checkout's totals stay
 * `subtotal - discountTotal + shipping`.
 */
export async function quoteCart(ctx: PromotionsContext, rawInput: CartQuoteInput): Promise<CartQuote> {
  requireInternalCall(ctx.caller);
  const parsed = quoteInput.safeParse(rawInput);
  if (!parsed.success) throw badUserInput(`Invalid cart quote input: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
  const input = parsed.data;
  const subtotalMinor = input.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0);
  if (!Number.isSafeInteger(subtotalMinor)) throw badUserInput('The cart subtotal is too large');
  const pricing = await evaluateCart(ctx, {
    channel: input.channel,
    currencyCode: input.currencyCode,
    locationId: input.locationId ?? null,
    customerId: input.customerId ?? null,
    couponCodes: input.couponCodes ?? [],
    shippingMinor: input.shippingFeeMinor ?? null,
    lines: input.lines,
  });
  const { result } = pricing;
  const shippingMinor = (result.shippingMinor ?? 0) - result.shippingDiscountMinor;
  return {
    cartId: input.cartId,
    currencyCode: input.currencyCode,
    subtotalMinor,
    discountTotalMinor: result.lineDiscountTotalMinor,
    shippingMinor,
    totalMinor: result.totalMinor,
    pricing,
    lines: input.lines.map((line, index) => {
      const priced = result.lines[index]!;
      return {
        lineId: line.lineId,
        unitPriceMinor: line.unitPriceMinor,
        quantity: line.quantity,
        discountMinor: priced.discountMinor,
        byPromotion: priced.discounts.map((share) => ({ promotionId: share.promotionId, amountMinor: share.amountMinor })),
      };
    }),
  };
}
