import { toMoney } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import { priceCartRepresentation, type CartRepresentation } from '../services/cart-pricing-service';

/** Only the fields this subgraph contributes; id, channel and subtotal arrive in the representation. */
export const Cart = {
  async discounts(cart: CartRepresentation, _: unknown, ctx: PromotionsContext) {
    const pricing = await priceCartRepresentation(ctx, cart);
    return pricing.discounts.map((discount) => ({
      promotion: discount.promotion,
      title: discount.title,
      amount: toMoney(discount.amountMinor, pricing.currencyCode),
    }));
  },
  async discountTotal(cart: CartRepresentation, _: unknown, ctx: PromotionsContext) {
    const pricing = await priceCartRepresentation(ctx, cart);
    return toMoney(pricing.discountTotalMinor, pricing.currencyCode);
  },
  async total(cart: CartRepresentation, _: unknown, ctx: PromotionsContext) {
    const pricing = await priceCartRepresentation(ctx, cart);
    return toMoney(pricing.totalMinor, pricing.currencyCode);
  },
};
