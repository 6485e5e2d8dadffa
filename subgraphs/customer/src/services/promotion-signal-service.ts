import { publishEvent } from '@omni/events';
import type { CustomerDb } from '../db/database';
import { claimFirstOrderSignal, countOrderTouchpoints, countProductTouchpoints } from '../db/promotion-signal-queries';
import { outboxEvents } from '../db/schema';
import { becameFirstTimeBuyer, crossedProductEngagement, productEngagementWindowStart } from './promotion-signal-rules';

/*
 * Events for the promotions subgraph (first-order coupons, personal offers; J8, J10), written to
 * the outbox in the transaction that records the fact. Callers hold the customer's row lock
 * (`lockCustomers`) from before the touchpoint was inserted, so two touchpoints recorded at once
 * count one after the other and a threshold is crossed by exactly one of them.
 */

/** After an ORDER_PLACED touchpoint was recorded: `customer.first_order` once per customer. */
export async function signalFirstOrder(
  tx: CustomerDb,
  customerId: string,
  order: { orderId: string; channel: string; currencyCode: string },
  occurredAt: Date,
): Promise<void> {
  if (!becameFirstTimeBuyer(await countOrderTouchpoints(tx, customerId))) return;
  if (!(await claimFirstOrderSignal(tx, customerId, new Date()))) return;
  await publishEvent(tx, outboxEvents, {
    type: 'customer.first_order',
    aggregateId: customerId,
    payload: { customerId, orderId: order.orderId, channel: order.channel, currencyCode: order.currencyCode },
    occurredAt,
  });
}

/** After a touchpoint naming a product was recorded: `customer.engaged_with_product` when it crossed the threshold. */
export async function signalProductEngagement(tx: CustomerDb, customerId: string, productId: string, occurredAt: Date): Promise<void> {
  const since = productEngagementWindowStart(new Date());
  const touchpoints = await countProductTouchpoints(tx, customerId, productId, since);
  if (!crossedProductEngagement(touchpoints, occurredAt >= since)) return;
  await publishEvent(tx, outboxEvents, { type: 'customer.engaged_with_product', aggregateId: customerId, payload: { customerId, productId } });
}
