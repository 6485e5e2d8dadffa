import { toMoney } from '@omni/graphql';
import type { CartContext } from '../context';
import type { OrderLineRow, OrderReturnLineRow, OrderReturnRow, OrderRow } from '../db/schema';
import { getOrder, listOrderLines } from '../services/order-service';

type ReturnLineView = OrderReturnLineRow & { currencyCode: string };

const staffReference = (id: string | null) => (id ? { __typename: 'StaffMember', id } : null);

export const Order = {
  __resolveReference: (reference: { id: string }, ctx: CartContext) => getOrder(ctx, reference.id),
  // The cart subgraph owns Cart, so it must answer the whole row, never a bare reference. Whoever
  // may read the order may see the cart it was placed from; erasure deletes that cart (null).
  cart: (order: OrderRow, _: unknown, ctx: CartContext) => ctx.loaders.cartById.load(order.cartId),
  customer: (order: OrderRow) => (order.customerId ? { __typename: 'Customer', id: order.customerId } : null),
  creditedStaff: (order: OrderRow) => staffReference(order.staffId),
  lines: (order: OrderRow, _: unknown, ctx: CartContext) => listOrderLines(ctx, order),
  subtotal: (order: OrderRow) => toMoney(order.subtotalMinor, order.currencyCode),
  discountTotal: (order: OrderRow) => toMoney(order.discountMinor, order.currencyCode),
  shippingTotal: (order: OrderRow) => toMoney(order.shippingMinor, order.currencyCode),
  total: (order: OrderRow) => toMoney(order.totalMinor, order.currencyCode),
  loyaltyPointsPaid: (order: OrderRow) => order.pointsPaid,
  // 1 point pays 1 minor unit of the order's currency.
  paidWithPoints: (order: OrderRow) => toMoney(order.pointsPaid, order.currencyCode),
  amountCharged: (order: OrderRow) => toMoney(order.totalMinor - order.pointsPaid, order.currencyCode),
  loyaltyPointsRefunded: (order: OrderRow) => order.pointsRefunded,
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
  loyaltyPointsPaid: (line: OrderLineRow) => line.pointsPaid,
  paidWithPoints: (line: OrderLineRow) => toMoney(line.pointsPaid, line.currencyCode),
  loyaltyPointsRefunded: (line: OrderLineRow) => line.pointsRefunded,
};

export const OrderReturn = {
  location: (orderReturn: OrderReturnRow) => ({ __typename: 'Location', id: orderReturn.locationId }),
  takenBy: (orderReturn: OrderReturnRow) => staffReference(orderReturn.staffId),
  // Return lines carry no currency of their own: they are in the return's.
  lines: async (orderReturn: OrderReturnRow, _: unknown, ctx: CartContext): Promise<ReturnLineView[]> =>
    (await ctx.loaders.returnLinesByReturnId.load(orderReturn.id)).map((line) => ({ ...line, currencyCode: orderReturn.currencyCode })),
  refund: (orderReturn: OrderReturnRow) => toMoney(orderReturn.refundMinor, orderReturn.currencyCode),
  refundPoints: (orderReturn: OrderReturnRow) => orderReturn.refundPoints,
  refundMoney: (orderReturn: OrderReturnRow) => toMoney(orderReturn.refundMinor - orderReturn.refundPoints, orderReturn.currencyCode),
  settled: (orderReturn: OrderReturnRow) => orderReturn.settledAt !== null,
};

export const OrderReturnLine = {
  variant: (line: OrderReturnLineRow) => ({ __typename: 'Variant', id: line.variantId }),
  refund: (line: ReturnLineView) => toMoney(line.refundMinor, line.currencyCode),
  refundPoints: (line: ReturnLineView) => line.refundPoints,
};
