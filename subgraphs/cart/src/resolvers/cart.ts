import { toMoney, type ConnectionArgs } from '@omni/graphql';
import type { CartContext } from '../context';
import type { CartRow } from '../db/schema';
import { getCart, listCartLines } from '../services/cart-service';

export const Cart = {
  __resolveReference: (reference: { id: string }, ctx: CartContext) => getCart(ctx, reference.id),
  customer: (cart: CartRow) => (cart.customerId ? { __typename: 'Customer', id: cart.customerId } : null),
  lines: (cart: CartRow, args: ConnectionArgs, ctx: CartContext) => listCartLines(ctx, cart, args),
  subtotal: (cart: CartRow) => toMoney(cart.subtotalMinor, cart.currencyCode),
};
