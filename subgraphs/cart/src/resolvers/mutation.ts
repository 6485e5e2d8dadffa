import type { Outcome } from '@omni/graphql';
import type { CartContext } from '../context';
import type { CartRow } from '../db/schema';
import {
  addCartLines,
  createCart,
  removeCartLines,
  updateCartLines,
  type AddCartLinesInput,
  type CreateCartInput,
  type RemoveCartLinesInput,
  type UpdateCartLinesInput,
} from '../services/cart-service';
import { eraseCustomerCarts } from '../services/personal-data-service';

const toPayload = (outcome: Outcome<CartRow>) =>
  outcome.ok ? { cart: outcome.value, userErrors: [] } : { cart: null, userErrors: outcome.userErrors };

export const Mutation = {
  eraseCustomerCarts: async (_: unknown, args: { customerIds: string[] }, ctx: CartContext) => ({ erased: await eraseCustomerCarts(ctx, args.customerIds) }),
  createCart: async (_: unknown, args: { input: CreateCartInput }, ctx: CartContext) => toPayload(await createCart(ctx, args.input)),
  addCartLines: async (_: unknown, args: { input: AddCartLinesInput }, ctx: CartContext) => toPayload(await addCartLines(ctx, args.input)),
  updateCartLines: async (_: unknown, args: { input: UpdateCartLinesInput }, ctx: CartContext) =>
    toPayload(await updateCartLines(ctx, args.input)),
  removeCartLines: async (_: unknown, args: { input: RemoveCartLinesInput }, ctx: CartContext) =>
    toPayload(await removeCartLines(ctx, args.input)),
};
