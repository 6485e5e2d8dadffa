import type { EventConsumer, JetStreamBus } from '@omni/events';
import type { PromotionsDb } from './db/database';
import { applyPromotionEvents } from './services/promotion-event-service';

/** What promotions applies from the bus: the same events `receivePromotionEvents` takes over HTTP. */
export const PROMOTIONS_CONSUMED_EVENTS = { customer: ['customer.first_order', 'customer.engaged_with_product', 'customer.merged'] } as const;

/**
 * Applies the customer subgraph's events from JetStream through the same service as the
 * `receivePromotionEvents` mutation; offers issued on the way last from the moment each is applied.
 */
export function startPromotionEventConsumer(bus: JetStreamBus, deps: { db: PromotionsDb }): Promise<EventConsumer> {
  return bus.consume({
    consumer: 'promotions',
    events: PROMOTIONS_CONSUMED_EVENTS,
    handle: async (event) => {
      await applyPromotionEvents({ db: deps.db, now: new Date() }, [event]);
    },
  });
}
