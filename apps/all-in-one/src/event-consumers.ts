import type { EventConsumer, JetStreamBus } from '@omni/events';
import { startCartEventConsumer, type CartDatabase } from '@omni/subgraph-cart';
import { startCustomerEventConsumer, type CustomerDatabase, type ReminderSender } from '@omni/subgraph-customer';
import { startPromotionEventConsumer, type PromotionsDatabase } from '@omni/subgraph-promotions';
import { startSupportEventConsumer, type SupportDatabase } from '@omni/subgraph-support';

/**
 * The consuming side of the JetStream bus for every subgraph of this process: each reads its own
 * durable consumers and applies events through the same services as its internal mutations.
 */
export async function startEventConsumers(
  bus: JetStreamBus,
  databases: { customer: CustomerDatabase; cart: CartDatabase; promotions: PromotionsDatabase; support: SupportDatabase },
  options: { signingSecret: string; catalogUrl: string; reminderSender?: ReminderSender | null; loyaltyPointsPerCurrencyUnit?: number },
): Promise<EventConsumer[]> {
  const started: EventConsumer[] = [];
  try {
    started.push(await startCustomerEventConsumer(bus, { db: databases.customer.db, reminderSender: options.reminderSender, loyaltyPointsPerCurrencyUnit: options.loyaltyPointsPerCurrencyUnit }));
    started.push(await startCartEventConsumer(bus, { db: databases.cart.db, signingSecret: options.signingSecret, catalogUrl: options.catalogUrl }));
    started.push(await startPromotionEventConsumer(bus, { db: databases.promotions.db }));
    started.push(await startSupportEventConsumer(bus, { db: databases.support.db }));
    return started;
  } catch (error) {
    await Promise.all(started.map((consumer) => consumer.stop()));
    throw error;
  }
}
