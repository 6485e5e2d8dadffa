import { toMoney, type ConnectionArgs } from '@omni/graphql';
import type { CartContext } from '../context';
import type { CartRow } from '../db/schema';
import { getCart, listCartLines } from '../services/cart-service';
import { listPickupOptions, listShippingOptions, type ShippingOption as ShippingOptionView } from '../services/fulfillment-options-service';
import type { PickupPlan } from '../services/fulfillment-planner';

const location = (id: string) => ({ __typename: 'Location', id });

export const Cart = {
  __resolveReference: (reference: { id: string }, ctx: CartContext) => getCart(ctx, reference.id),
  customer: (cart: CartRow) => (cart.customerId ? { __typename: 'Customer', id: cart.customerId } : null),
  store: (cart: CartRow) => (cart.storeId ? location(cart.storeId) : null),
  lines: (cart: CartRow, args: ConnectionArgs, ctx: CartContext) => listCartLines(ctx, cart, args),
  subtotal: (cart: CartRow) => toMoney(cart.subtotalMinor, cart.currencyCode),
  shippingOptions: (cart: CartRow, args: { countryCode: string }, ctx: CartContext) => listShippingOptions(ctx, cart, args.countryCode),
  pickupOptions: (cart: CartRow, _: unknown, ctx: CartContext) => listPickupOptions(ctx, cart),
};

export const ShippingOption = {
  price: (option: ShippingOptionView) => toMoney(option.feeMinor, option.currencyCode),
  location: (option: ShippingOptionView) => location(option.locationId),
};

export const PickupOption = {
  store: (plan: PickupPlan) => location(plan.storeId),
  source: (plan: PickupPlan) => location(plan.sourceId),
};
