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
import { checkout, type CheckoutInput } from '../services/checkout-service';
import { applyCouponCode, removeCouponCode, type CouponCodeInput } from '../services/coupon-service';
import { advanceOrderFulfillment, FULFILLMENT_STEPS, type OrderIdInput } from '../services/order-service';
import { eraseCustomerCarts } from '../services/personal-data-service';
import { returnOrderLines, type ReturnOrderLinesInput } from '../services/return-service';
import { mergeGuestCart, type MergeGuestCartInput } from '../services/guest-merge-service';
import type { OrderRow } from '../db/schema';
import { receiveCartEvents } from '../services/customer-event-service';
import { syncCart, type SyncCartInput } from '../services/cart-sync-service';
import { recordOfflineSale, type RecordOfflineSaleInput } from '../services/offline-sale-service';
import type { DomainEventWire } from '@omni/events';

const toPayload = (outcome: Outcome<CartRow>) =>
  outcome.ok ? { cart: outcome.value, userErrors: [] } : { cart: null, userErrors: outcome.userErrors };

const toOrderPayload = (outcome: Outcome<OrderRow>) =>
  outcome.ok ? { order: outcome.value, userErrors: [] } : { order: null, userErrors: outcome.userErrors };

export const Mutation = {
  eraseCustomerCarts: async (_: unknown, args: { customerIds: string[] }, ctx: CartContext) => ({ erased: await eraseCustomerCarts(ctx, args.customerIds) }),
  receiveCartEvents: async (_: unknown, args: { events: DomainEventWire[] }, ctx: CartContext) => ({ accepted: await receiveCartEvents(ctx, args.events) }),
  createCart: async (_: unknown, args: { input: CreateCartInput }, ctx: CartContext) => toPayload(await createCart(ctx, args.input)),
  addCartLines: async (_: unknown, args: { input: AddCartLinesInput }, ctx: CartContext) => toPayload(await addCartLines(ctx, args.input)),
  updateCartLines: async (_: unknown, args: { input: UpdateCartLinesInput }, ctx: CartContext) =>
    toPayload(await updateCartLines(ctx, args.input)),
  removeCartLines: async (_: unknown, args: { input: RemoveCartLinesInput }, ctx: CartContext) =>
    toPayload(await removeCartLines(ctx, args.input)),
  applyCouponCode: async (_: unknown, args: { input: CouponCodeInput }, ctx: CartContext) => toPayload(await applyCouponCode(ctx, args.input)),
  removeCouponCode: async (_: unknown, args: { input: CouponCodeInput }, ctx: CartContext) => toPayload(await removeCouponCode(ctx, args.input)),
  syncCart: async (_: unknown, args: { input: SyncCartInput }, ctx: CartContext) => {
    const outcome = await syncCart(ctx, args.input);
    return outcome.ok ? { ...outcome.value, userErrors: [] } : { cart: null, results: [], changedElsewhere: false, userErrors: outcome.userErrors };
  },
  recordOfflineSale: async (_: unknown, args: { input: RecordOfflineSaleInput }, ctx: CartContext) => {
    const outcome = await recordOfflineSale(ctx, args.input);
    if (!outcome.ok) return { order: null, stockRecorded: false, shortfalls: [], userErrors: outcome.userErrors };
    const { order, stockRecorded, shortfalls } = outcome.value;
    return {
      order,
      stockRecorded,
      shortfalls: shortfalls.map((line) => ({ variant: { __typename: 'Variant', id: line.variantId }, onHand: line.onHandAfter, shortfall: line.shortfallAfter })),
      userErrors: [],
    };
  },
  mergeGuestCart: async (_: unknown, args: { input: MergeGuestCartInput }, ctx: CartContext) => {
    const outcome = await mergeGuestCart(ctx, args.input);
    return outcome.ok
      ? { cart: outcome.value.cart, droppedVariants: outcome.value.droppedVariantIds.map((id) => ({ __typename: 'Variant', id })), userErrors: [] }
      : { cart: null, droppedVariants: [], userErrors: outcome.userErrors };
  },
  checkout: async (_: unknown, args: { input: CheckoutInput }, ctx: CartContext) => toOrderPayload(await checkout(ctx, args.input)),
  markOrderReadyForPickup: async (_: unknown, args: { input: OrderIdInput }, ctx: CartContext) =>
    toOrderPayload(await advanceOrderFulfillment(ctx, FULFILLMENT_STEPS.readyForPickup, args.input)),
  markOrderPickedUp: async (_: unknown, args: { input: OrderIdInput }, ctx: CartContext) =>
    toOrderPayload(await advanceOrderFulfillment(ctx, FULFILLMENT_STEPS.pickedUp, args.input)),
  markOrderShipped: async (_: unknown, args: { input: OrderIdInput }, ctx: CartContext) =>
    toOrderPayload(await advanceOrderFulfillment(ctx, FULFILLMENT_STEPS.shipped, args.input)),
  returnOrderLines: async (_: unknown, args: { input: ReturnOrderLinesInput }, ctx: CartContext) => {
    const outcome = await returnOrderLines(ctx, args.input);
    return outcome.ok
      ? { orderReturn: outcome.value.orderReturn, order: outcome.value.order, userErrors: [] }
      : { orderReturn: null, order: null, userErrors: outcome.userErrors };
  },
};
