import { z } from 'zod';
import type { Channel } from '@omni/auth';
import { newId } from '@omni/db';
import { toMoney } from '@omni/graphql';
import type { CartReminder } from '../clients/reminder-sender';
import type { CustomerDb } from '../db/database';
import { findCurrentConsents } from '../db/consent-queries';
import { findIdentitiesByCustomerIds } from '../db/customer-queries';
import type { ContactChannel } from '../db/schema';
import { insertTimelineEntry } from '../db/timeline-queries';
import { chooseReminderContact } from './cart-reminder-rules';

export const abandonedCartPayload = z.object({
  customerId: z.string(),
  cartId: z.string(),
  channel: z.string(),
  totalQuantity: z.number().int().nonnegative(),
  subtotalMinor: z.number().int().nonnegative(),
  currencyCode: z.string().regex(/^[A-Z]{3}$/),
});
export type AbandonedCart = z.infer<typeof abandonedCartPayload>;

/** The sales channel a reminder reaches the customer in, for the timeline. */
const CHANNEL_OF: Record<ContactChannel, { channel: Channel; provider: string | null }> = {
  EMAIL: { channel: 'EMAIL', provider: null },
  TELEGRAM: { channel: 'MESSENGER', provider: 'TELEGRAM' },
  WHATSAPP: { channel: 'MESSENGER', provider: 'WHATSAPP' },
  VK: { channel: 'MESSENGER', provider: 'VK' },
  SMS: { channel: 'MESSENGER', provider: 'SMS' },
  PUSH: { channel: 'MOBILE_APP', provider: null },
  PHONE_CALL: { channel: 'CALL_CENTER', provider: null },
  POST: { channel: 'EMAIL', provider: 'POST' },
  ANY: { channel: 'EMAIL', provider: null },
};

export function abandonedCartSummary(cart: AbandonedCart): string {
  const subtotal = toMoney(cart.subtotalMinor, cart.currencyCode);
  return `Left a cart with ${cart.totalQuantity} items (${subtotal.amount} ${subtotal.currencyCode})`;
}

/**
 * Decides, inside the transaction that records the abandoned cart on the timeline, whether a
 * reminder goes out: only to a verified contact point the customer granted marketing on. The
 * decision is recorded as a CART_REMINDER touchpoint in the same transaction, so a redelivered
 * event never decides twice; the caller sends after the commit (a crash in between loses that
 * reminder rather than sending it twice).
 */
export async function planCartReminder(tx: CustomerDb, customerId: string, cart: AbandonedCart, sourceEventId: string): Promise<CartReminder | null> {
  const [identities, consents] = [await findIdentitiesByCustomerIds(tx, [customerId]), await findCurrentConsents(tx, [customerId])];
  const contact = chooseReminderContact(identities, consents);
  if (!contact) return null;
  const { channel, provider } = CHANNEL_OF[contact.contactChannel];
  await insertTimelineEntry(tx, {
    id: newId('tl'),
    customerId,
    kind: 'CART_REMINDER',
    channel,
    provider,
    summary: `Reminded about the abandoned cart by ${contact.contactChannel}`,
    sourceEventId: `${sourceEventId}:reminder`,
    occurredAt: new Date(),
  });
  return {
    customerId,
    cartId: cart.cartId,
    contactChannel: contact.contactChannel,
    address: contact.address,
    message: `You left ${cart.totalQuantity} items in your cart. They are waiting for you: cart ${cart.cartId}.`,
  };
}
