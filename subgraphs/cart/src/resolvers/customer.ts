import type { ConnectionArgs } from '@omni/graphql';
import type { CartContext } from '../context';
import { getActiveCartOfCustomer } from '../services/cart-service';
import { listOrdersOfCustomer } from '../services/order-service';

/** The customer entity is owned elsewhere; this subgraph only knows its id and adds `cart` and `orders`. */
export const Customer = {
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  cart: (customer: { id: string }, _: unknown, ctx: CartContext) => getActiveCartOfCustomer(ctx, customer.id),
  orders: (customer: { id: string }, args: ConnectionArgs, ctx: CartContext) => listOrdersOfCustomer(ctx, customer.id, args),
};

/** Counted only when asked: the count is a statement of its own that a page without it never sends. */
export const OrderConnection = {
  totalCount: (connection: { countOrders(): Promise<number> }) => connection.countOrders(),
};
