import type { CartContext } from '../context';
import { getCart } from '../services/cart-service';

export const Query = {
  cart: (_: unknown, args: { id: string }, ctx: CartContext) => getCart(ctx, args.id),
};
