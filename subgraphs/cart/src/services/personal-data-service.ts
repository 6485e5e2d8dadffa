import { z } from 'zod';
import { badUserInput, requireInternalCall } from '@omni/graphql';
import type { CartContext } from '../context';
import { deleteCartsOfCustomers, eraseShippingAddressesOfCustomers, findCartsWithLinesOfCustomers, findOrdersWithLinesOfCustomers } from '../db/personal-data-queries';

/** Every id a person has had (merged ids included), as the customer subgraph sends them. */
const customerIds = z.array(z.string().min(1).max(100)).min(1).max(100);

function parseIds(ids: readonly string[]): string[] {
  const parsed = customerIds.safeParse(ids);
  if (!parsed.success) throw badUserInput('customerIds must hold 1 to 100 ids');
  return parsed.data;
}

/** Internal, for the customer subgraph's `exportCustomerData`: the person's carts and orders with their lines as JSON. */
export async function exportCustomerCarts(ctx: CartContext, ids: readonly string[]): Promise<string> {
  requireInternalCall(ctx.caller);
  const customerIds = parseIds(ids);
  const { carts, lines } = await findCartsWithLinesOfCustomers(ctx.db, customerIds);
  const bought = await findOrdersWithLinesOfCustomers(ctx.db, customerIds);
  return JSON.stringify({
    carts: carts.map((cart) => ({ ...cart, lines: lines.filter((line) => line.cartId === cart.id) })),
    orders: bought.orders.map((order) => ({ ...order, lines: bought.lines.filter((line) => line.orderId === order.id) })),
  });
}

/**
 * Internal, for the customer subgraph's `eraseCustomer`. A cart holds no financial record, so the
 * person's carts and lines are deleted. Orders are the financial record and stay, without the
 * shipping address. Running it again erases nothing more.
 */
export async function eraseCustomerCarts(ctx: CartContext, ids: readonly string[]): Promise<number> {
  requireInternalCall(ctx.caller);
  const customerIds = parseIds(ids);
  await eraseShippingAddressesOfCustomers(ctx.db, customerIds);
  const erased = await deleteCartsOfCustomers(ctx.db, customerIds);
  ctx.loaders.cartById.clearAll();
  return erased;
}
