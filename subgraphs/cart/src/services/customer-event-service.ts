import { z } from 'zod';
import { consumePreparedEvents, fromWire, type DomainEvent, type DomainEventWire } from '@omni/events';
import { requireInternalCall } from '@omni/graphql';
import type { CatalogClient } from '../clients/catalog-client';
import type { CartContext } from '../context';
import type { CartDb } from '../db/database';
import { findActiveCartOfOwner } from '../db/cart-queries';
import { findSurvivorId, moveClosedCartsToCustomer, moveOrdersToCustomer, recordCustomerAlias } from '../db/customer-merge-queries';
import { processedEvents, type CartRow } from '../db/schema';
import { applyCartTakeover, planCartTakeover, type CartTakeoverOutcome, type CartTakeoverPlan } from './cart-takeover';
import { applyGuestCartTakeover, planGuestCartTakeover } from './guest-merge-service';

/** Name of this consumer in the processed-events table. */
export const CART_CUSTOMER_EVENTS_CONSUMER = 'cart.customer-events';

const mergedPayload = z.object({ survivorId: z.string().min(1), mergedId: z.string().min(1), mergeId: z.string().nullish() });
const signedInPayload = z.object({ customerId: z.string().min(1), guestId: z.string().min(1).nullish(), channel: z.string().min(1) });

export type Deps = { db: CartDb; catalog: CatalogClient };

/** What an event needs from outside its transaction (the catalog above all), read before it. */
type Prepared =
  | { kind: 'merged'; survivorId: string; mergedId: string; takeover: CartTakeoverPlan | null }
  | { kind: 'signed-in'; channel: string; takeover: CartTakeoverPlan | null }
  | { kind: 'ignored' };

async function prepare(deps: Deps, event: DomainEvent): Promise<Prepared> {
  switch (event.type) {
    case 'customer.merged': {
      const payload = mergedPayload.safeParse(event.payload);
      if (!payload.success || payload.data.survivorId === payload.data.mergedId) return { kind: 'ignored' };
      const { mergedId } = payload.data;
      // The survivor may itself have been merged since; carts go to whom it now stands for.
      const survivorId = (await findSurvivorId(deps.db, payload.data.survivorId)) ?? payload.data.survivorId;
      const mergedCart = await findActiveCartOfOwner(deps.db, { customerId: mergedId });
      const takeover = mergedCart ? await planCartTakeover(deps, mergedCart, survivorId) : null;
      return { kind: 'merged', survivorId, mergedId, takeover };
    }
    case 'customer.signed_in': {
      const payload = signedInPayload.safeParse(event.payload);
      if (!payload.success || !payload.data.guestId) return { kind: 'ignored' };
      const guestCart = await findActiveCartOfOwner(deps.db, { guestId: payload.data.guestId });
      if (!guestCart) return { kind: 'ignored' };
      const customerId = (await findSurvivorId(deps.db, payload.data.customerId)) ?? payload.data.customerId;
      return { kind: 'signed-in', channel: payload.data.channel, takeover: await planGuestCartTakeover(deps, guestCart, customerId) };
    }
    default:
      return { kind: 'ignored' };
  }
}

/** A takeover whose target changed since it was planned is retried by a later delivery, planned afresh. */
function settled(outcome: CartTakeoverOutcome): void {
  if (!outcome.ok && outcome.reason === 'TARGET_CHANGED') throw new Error('The surviving cart changed while the takeover was planned; deliver again');
}

/** Only the merged customer's cart, still active, is taken over by the survivor. */
const isCartOf = (customerId: string) => (locked: CartRow) => locked.customerId === customerId;

async function apply(tx: CartDb, prepared: Prepared): Promise<void> {
  switch (prepared.kind) {
    case 'merged': {
      const { survivorId, mergedId, takeover } = prepared;
      await recordCustomerAlias(tx, mergedId, survivorId);
      if (takeover) settled(await applyCartTakeover(tx, takeover, { channel: takeover.target?.channel ?? takeover.source.channel, isSource: isCartOf(mergedId) }));
      await moveClosedCartsToCustomer(tx, mergedId, survivorId);
      await moveOrdersToCustomer(tx, mergedId, survivorId);
      return;
    }
    case 'signed-in':
      if (prepared.takeover) settled(await applyGuestCartTakeover(tx, prepared.takeover, prepared.channel));
      return;
    case 'ignored':
      return;
  }
}

/**
 * Applies the customer subgraph's events, each once however often it arrives:
 * `customer.merged` moves the merged customer's carts and orders to the survivor (its active cart
 * joins the survivor's as a guest cart would) and records the alias that keeps old tokens working;
 * `customer.signed_in` adopts the guest's active cart like `mergeGuestCart`.
 */
export async function receiveCartEvents(ctx: CartContext, events: readonly DomainEventWire[]): Promise<number> {
  requireInternalCall(ctx.caller);
  return applyCartEvents({ db: ctx.db, catalog: ctx.catalog }, events.map(fromWire));
}

/** Applies delivered events (see `receiveCartEvents`), for the internal mutation and the event bus consumer alike. */
export async function applyCartEvents(deps: Deps, events: readonly DomainEvent[]): Promise<number> {
  return consumePreparedEvents(
    deps.db,
    processedEvents,
    CART_CUSTOMER_EVENTS_CONSUMER,
    events,
    (event) => prepare(deps, event),
    (tx, _event, prepared) => apply(tx as CartDb, prepared),
  );
}
