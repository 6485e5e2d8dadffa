import { fail, succeed, userError, type Outcome, type UserError } from '@omni/graphql';
import { splitRefund } from './tender-allocation';

/** An order line as a return sees it: what was bought and paid, and what came back already. */
export interface ReturnableLine {
  id: string;
  variantId: string;
  quantity: number;
  paidMinor: number;
  returnedQuantity: number;
  refundedMinor: number;
  /** Points the line's share of the order's points payment came to (1 point = 1 minor unit). */
  pointsPaid: number;
  pointsRefunded: number;
}

export interface PlannedReturnLine {
  orderLineId: string;
  variantId: string;
  quantity: number;
  /** The whole refund of these units, points and money together. */
  refundMinor: number;
  /** The part of `refundMinor` credited back as points; the payment provider refunds the rest. */
  refundPoints: number;
}

/**
 * Refund for returning `quantity` more units of a line. What was paid for the line is its list
 * total minus the discount allocated to it at checkout (`paid = unitPrice × quantity − discount`),
 * so a unit refunds `paid / quantity`, never the list price. Rounding: after `n` of `q` units came
 * back the line has refunded `floor(paid × n / q)` in all, each return taking the difference, so
 * early units round down and the last unit takes the rest; the refunds of a line add up to
 * exactly what was paid for it when everything came back, and never more.
 */
export function refundFor(line: Pick<ReturnableLine, 'quantity' | 'paidMinor' | 'returnedQuantity' | 'refundedMinor'>, quantity: number): number {
  const returnedAfter = line.returnedQuantity + quantity;
  const refundedAfter = Math.floor((line.paidMinor * returnedAfter) / line.quantity);
  return refundedAfter - line.refundedMinor;
}

/**
 * Checks every requested line (collecting all errors) and prices the refund of each, split into
 * the points and the money that paid for those units (see `splitRefund`).
 */
export function planReturn(lines: readonly ReturnableLine[], requested: readonly { orderLineId: string; quantity: number }[]): Outcome<PlannedReturnLine[]> {
  const byId = new Map(lines.map((line) => [line.id, line]));
  const errors: UserError[] = [];
  const planned: PlannedReturnLine[] = [];
  requested.forEach((request, index) => {
    const line = byId.get(request.orderLineId);
    if (!line) {
      errors.push(userError('NOT_FOUND', 'No such line in this order', ['input', 'lines', index, 'orderLineId']));
      return;
    }
    const returnable = line.quantity - line.returnedQuantity;
    if (request.quantity > returnable) {
      errors.push(userError('INVALID', `Only ${returnable} of this line can still be returned`, ['input', 'lines', index, 'quantity']));
      return;
    }
    const refundMinor = refundFor(line, request.quantity);
    const { points } = splitRefund(line, request.quantity, refundMinor);
    planned.push({ orderLineId: line.id, variantId: line.variantId, quantity: request.quantity, refundMinor, refundPoints: points });
  });
  return errors.length > 0 ? fail(...errors) : succeed(planned);
}
