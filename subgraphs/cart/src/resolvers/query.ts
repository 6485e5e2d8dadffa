import type { CartContext } from '../context';
import { getCart } from '../services/cart-service';
import { getOrder } from '../services/order-service';
import { listAbandonedCarts } from '../services/abandoned-cart-service';
import type { ConnectionArgs } from '@omni/graphql';
import { exportCustomerCarts } from '../services/personal-data-service';

export const Query = {
  cart: (_: unknown, args: { id: string }, ctx: CartContext) => getCart(ctx, args.id),
  abandonedCarts: (_: unknown, args: ConnectionArgs & { idleMinutes?: number | null }, ctx: CartContext) =>
    listAbandonedCarts(ctx, args, ctx.settings.abandonedAfterMinutes),
  order: (_: unknown, args: { id: string }, ctx: CartContext) => getOrder(ctx, args.id),
  exportCustomerCarts: (_: unknown, args: { customerIds: string[] }, ctx: CartContext) => exportCustomerCarts(ctx, args.customerIds),
};
