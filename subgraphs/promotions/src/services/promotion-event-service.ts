import { z } from 'zod';
import { consumeEvents, fromWire, type DomainEvent, type DomainEventWire, type EventDb } from '@omni/events';
import { requireInternalCall } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import type { PromotionsDb } from '../db/database';
import { findSurvivors, moveOffersToCustomer, recordCustomerAlias } from '../db/offer-queries';
import { processedEvents } from '../db/schema';
import { issueOffer } from './offer-issuing-service';

/** Name of this consumer in the processed-events table. */
export const PROMOTIONS_CUSTOMER_EVENTS_CONSUMER = 'promotions.customer-events';

const customerId = z.string().min(1).max(100);
const eventPayloads = {
  'customer.first_order': z.object({ customerId, orderId: z.string().min(1).nullish(), channel: z.string().nullish(), currencyCode: z.string().nullish() }),
  'customer.engaged_with_product': z.object({ customerId, productId: z.string().regex(/^prod_[A-Za-z0-9_-]{1,100}$/) }),
  'customer.merged': z.object({ survivorId: customerId, mergedId: customerId }),
};

/** Events name the id their producer knew; after a merge it stands for the survivor. */
async function currentIdOf(tx: PromotionsDb, id: string): Promise<string> {
  const [alias] = await findSurvivors(tx, [id]);
  return alias?.survivorId ?? id;
}

async function applyCustomerEvent(tx: PromotionsDb, event: DomainEvent, now: Date): Promise<void> {
  switch (event.type) {
    case 'customer.first_order': {
      const payload = eventPayloads[event.type].safeParse(event.payload);
      if (!payload.success) return;
      await issueOffer(tx, { trigger: 'FIRST_ORDER', customerId: await currentIdOf(tx, payload.data.customerId), productId: null, sourceEventId: event.id, issuedAt: now });
      return;
    }
    case 'customer.engaged_with_product': {
      const payload = eventPayloads[event.type].safeParse(event.payload);
      if (!payload.success) return;
      const { productId } = payload.data;
      await issueOffer(tx, { trigger: 'ENGAGED_WITH_PRODUCT', customerId: await currentIdOf(tx, payload.data.customerId), productId, sourceEventId: event.id, issuedAt: now });
      return;
    }
    case 'customer.merged': {
      const payload = eventPayloads[event.type].safeParse(event.payload);
      if (!payload.success || payload.data.survivorId === payload.data.mergedId) return;
      // The survivor may itself have been merged since; offers go to whom it now stands for.
      const survivorId = await currentIdOf(tx, payload.data.survivorId);
      await recordCustomerAlias(tx, payload.data.mergedId, survivorId);
      await moveOffersToCustomer(tx, payload.data.mergedId, survivorId);
      return;
    }
    default:
      // Other event types are acknowledged and ignored: producers may publish more than we need.
      return;
  }
}

/**
 * Applies the customer subgraph's events, each once however often it arrives: a first order
 * issues the welcome offer, engagement with a product issues an offer on it, a merge moves the
 * merged record's offers to the survivor. Offers last from the moment they are issued here.
 */
export async function receivePromotionEvents(ctx: PromotionsContext, events: readonly DomainEventWire[]): Promise<number> {
  requireInternalCall(ctx.caller);
  return applyPromotionEvents(ctx, events.map(fromWire));
}

/** Applies delivered events (see `receivePromotionEvents`), for the internal mutation and the event bus consumer alike. */
export async function applyPromotionEvents(deps: Pick<PromotionsContext, 'db' | 'now'>, events: readonly DomainEvent[]): Promise<number> {
  return consumeEvents(deps.db, processedEvents, PROMOTIONS_CUSTOMER_EVENTS_CONSUMER, events, (tx: EventDb, event) => applyCustomerEvent(tx as PromotionsDb, event, deps.now));
}
