import { isChannel } from '@omni/auth';
import { badUserInput, isCurrencyCode, MoneyFormatError, toMinorUnits } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import type { PromotionRow } from '../db/schema';
import { priceCart, type CartPricing, type CartToPrice } from './promotion-engine';

/** A Cart as the gateway sends it to resolve fields that `@requires` channel and subtotal. */
export interface CartRepresentation {
  id: string;
  channel?: unknown;
  subtotal?: { amount?: unknown; currencyCode?: unknown } | null;
}

function invalidRepresentation(): never {
  throw badUserInput('A Cart representation needs channel and subtotal { amount currencyCode }');
}

async function computePricing(ctx: PromotionsContext, cart: CartRepresentation): Promise<CartPricing<PromotionRow>> {
  const { channel, subtotal } = cart;
  if (!isChannel(channel) || typeof subtotal?.amount !== 'string' || typeof subtotal.currencyCode !== 'string') invalidRepresentation();
  const currencyCode = subtotal.currencyCode;
  if (!isCurrencyCode(currencyCode)) invalidRepresentation();
  let subtotalMinor: number;
  try {
    subtotalMinor = toMinorUnits(subtotal.amount, currencyCode);
  } catch (error) {
    if (error instanceof MoneyFormatError) invalidRepresentation();
    throw error;
  }
  if (subtotalMinor < 0) invalidRepresentation();

  return evaluateCart(ctx, { channel, subtotalMinor, currencyCode });
}

/**
 * The one way this subgraph prices a cart: `Cart.discounts/discountTotal/total` and the checkout
 * quote (`quote-service.ts`) both come through here, with the same live promotions and the same
 * engine, so what a shopper is shown and what checkout charges cannot drift apart.
 */
export async function evaluateCart(ctx: PromotionsContext, cart: CartToPrice): Promise<CartPricing<PromotionRow>> {
  const promotions = await ctx.loaders.livePromotionsByCurrency.load(cart.currencyCode);
  return priceCart(promotions, cart, ctx.now);
}

/**
 * Discounts, discount total and total of one cart come from one evaluation, remembered for the
 * request, so the three fields cannot disagree. Promotions are public, so pricing needs no
 * permission: whoever may see the cart (decided by the cart subgraph) sees its discounts.
 */
export function priceCartRepresentation(ctx: PromotionsContext, cart: CartRepresentation): Promise<CartPricing<PromotionRow>> {
  let pricing = ctx.cartPricing.get(cart);
  if (!pricing) {
    pricing = computePricing(ctx, cart);
    ctx.cartPricing.set(cart, pricing);
  }
  return pricing;
}
