import type { DomainEvent } from '@omni/events';

/**
 * What a live subscription follows, as topic strings, and which topics a domain event touches:
 * an event reaches only the subscriptions of its topics, found in one map look-up each, so the
 * work per event does not grow with the number of open subscriptions.
 */
export const liveTopics = {
  cart: (cartId: string) => `cart:${cartId}`,
  conversation: (conversationId: string) => `conversation:${conversationId}`,
  stock: (variantId: string, locationId: string) => `stock:${variantId}@${locationId}`,
};

const stringsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** The topics an event changes; none for events no subscription follows. */
export function topicsOfEvent(event: DomainEvent): string[] {
  switch (event.type) {
    // Every committed change of a cart (lines, customer, coupon, checkout, takeover) is one of these.
    case 'cart.changed':
      return [liveTopics.cart(event.aggregateId)];
    case 'message.sent':
    case 'message.received':
    // Status and assignee: taken, assigned, transferred, resolved.
    case 'conversation.changed':
      return [liveTopics.conversation(typeof event.payload.conversationId === 'string' ? event.payload.conversationId : event.aggregateId)];
    // Payload `{ variantId, productId, locationIds }` (the catalog's outbox).
    case 'stock.changed':
      return stringsOf(event.payload.locationIds).map((locationId) => liveTopics.stock(event.aggregateId, locationId));
    default:
      return [];
  }
}
