import { z } from 'zod';
import { consumeEvents, fromWire, type DomainEvent, type DomainEventWire, type EventDb } from '@omni/events';
import { requireInternalCall } from '@omni/graphql';
import type { SupportContext } from '../context';
import type { SupportDb } from '../db/database';
import { moveConversationsToCustomer } from '../db/customer-merge-queries';
import { processedEvents } from '../db/schema';

/** Name of this consumer in the processed-events table. */
export const SUPPORT_CUSTOMER_EVENTS_CONSUMER = 'support.customer-events';

const mergedPayload = z.object({ survivorId: z.string().min(1), mergedId: z.string().min(1) });

async function applyCustomerEvent(tx: EventDb, event: DomainEvent): Promise<void> {
  if (event.type !== 'customer.merged') return;
  const payload = mergedPayload.safeParse(event.payload);
  if (!payload.success || payload.data.survivorId === payload.data.mergedId) return;
  // Conversations are the only rows here keyed by a customer; messages follow their conversation.
  await moveConversationsToCustomer(tx as SupportDb, payload.data.mergedId, payload.data.survivorId);
}

/**
 * Applies the customer subgraph's events, each once however often it arrives: `customer.merged`
 * moves the merged customer's conversations to the survivor.
 */
export async function receiveSupportEvents(ctx: SupportContext, events: readonly DomainEventWire[]): Promise<number> {
  requireInternalCall(ctx.caller);
  return applySupportEvents(ctx, events.map(fromWire));
}

/** Applies delivered events (see `receiveSupportEvents`), for the internal mutation and the event bus consumer alike. */
export async function applySupportEvents(deps: Pick<SupportContext, 'db'>, events: readonly DomainEvent[]): Promise<number> {
  return consumeEvents(deps.db, processedEvents, SUPPORT_CUSTOMER_EVENTS_CONSUMER, events, applyCustomerEvent);
}
