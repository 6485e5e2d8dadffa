import { toMoney } from '@omni/graphql';
import type { CartContext } from '../context';
import type { OrderLineRow, OrderReturnLineRow, OrderReturnRow, OrderRow } from '../db/schema';
import { getOrder, listOrderLines } from '../services/order-service';

type ReturnLineView = OrderReturnLineRow & { currencyCode: string };

const staffReference = (id: string | null) => (id ? { __typename: 'StaffMember', id } : null);

export const Order = {
  __resolveReference: (reference: { id: string }, ctx: CartContext) => getOrder(ctx, reference.id),
  cart: (order: OrderRow) => ({ __typename: 'Cart', id: order.cartId }),
  customer: (order: OrderRow) => (order.customerId ? { __typename: 'Customer', id: order.customerId } : null),
  creditedStaff: (order: OrderRow) => staffReference(order.staffId),
  lines: (order: OrderRow, _: unknown, ctx: CartContext) => listOrderLines(ctx, order),
  subtotal: (order: OrderRow) => toMoney(order.subtotalMinor, order.currencyCode),
  discountTotal: (order: OrderRow) => toMoney(order.discountMinor, order.currencyCode),
  shippingTotal: (order: OrderRow) => toMoney(order.shippingMinor, order.currencyCode),
  total: (order: OrderRow) => toMoney(order.totalMinor, order.currencyCode),
  returns: (order: OrderRow, _: unknown, ctx: CartContext) => ctx.loaders.returnsByOrderId.load(order.id),
  fulfillment: (order: OrderRow) => ({
    method: order.fulfillmentMethod,
    location: { __typename: 'Location', id: order.fulfillmentLocationId },
    source: { __typename: 'Location', id: order.sourceLocationId },
    transfer: order.fulfillmentMethod === 'PICKUP' && order.sourceLocationId !== order.fulfillmentLocationId,
    status: order.fulfillmentStatus,
    readyBy: order.readyBy,
    shippingRate: order.shippingRate,
    estimatedDeliveryAt: order.estimatedDeliveryAt,
    shippingAddress: order.shippingAddress,
  }),
  payment: (order: OrderRow) => ({
    provider: order.paymentProvider,
    status: order.paymentStatus,
    captured: toMoney(order.capturedMinor, order.currencyCode),
    refunded: toMoney(order.refundedMinor, order.currencyCode),
  }),
};

export const OrderLine = {
  variant: (line: OrderLineRow) => ({ __typename: 'Variant', id: line.variantId }),
  unitPrice: (line: OrderLineRow) => toMoney(line.unitPriceMinor, line.currencyCode),
  discount: (line: OrderLineRow) => toMoney(line.discountMinor, line.currencyCode),
  paid: (line: OrderLineRow) => toMoney(line.paidMinor, line.currencyCode),
  addedByStaff: (line: OrderLineRow) => staffReference(line.addedByStaffId),
  refunded: (line: OrderLineRow) => toMoney(line.refundedMinor, line.currencyCode),
};

export const OrderReturn = {
  location: (orderReturn: OrderReturnRow) => ({ __typename: 'Location', id: orderReturn.locationId }),
  takenBy: (orderReturn: OrderReturnRow) => staffReference(orderReturn.staffId),
  // Return lines carry no currency of their own: they are in the return's.
  lines: async (orderReturn: OrderReturnRow, _: unknown, ctx: CartContext): Promise<ReturnLineView[]> =>
    (await ctx.loaders.returnLinesByReturnId.load(orderReturn.id)).map((line) => ({ ...line, currencyCode: orderReturn.currencyCode })),
  refund: (orderReturn: OrderReturnRow) => toMoney(orderReturn.refundMinor, orderReturn.currencyCode),
  settled: (orderReturn: OrderReturnRow) => orderReturn.settledAt !== null,
};

export const OrderReturnLine = {
  variant: (line: OrderReturnLineRow) => ({ __typename: 'Variant', id: line.variantId }),
  refund: (line: ReturnLineView) => toMoney(line.refundMinor, line.currencyCode),
};
