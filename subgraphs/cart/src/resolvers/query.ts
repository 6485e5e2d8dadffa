import type { CartContext } from '../context';
import { getCart } from '../services/cart-service';
import { exportCustomerCarts } from '../services/personal-data-service';

export const Query = {
  cart: (_: unknown, args: { id: string }, ctx: CartContext) => getCart(ctx, args.id),
  exportCustomerCarts: (_: unknown, args: { customerIds: string[] }, ctx: CartContext) => exportCustomerCarts(ctx, args.customerIds),
};
