import type { CartContext } from '../context';
import { getActiveCartOfCustomer } from '../services/cart-service';

/** The customer entity is owned elsewhere; this subgraph only knows its id and adds `cart`. */
export const Customer = {
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  cart: (customer: { id: string }, _: unknown, ctx: CartContext) => getActiveCartOfCustomer(ctx, customer.id),
};
