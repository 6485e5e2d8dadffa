import type { ConsentRecordRow, ContactChannel, IdentityRow } from '../db/schema';
import { marketingAllowedFrom } from './consent-service';

/** Identity kinds a reminder can go to, in the order they are preferred, with their consent channel. */
const REMINDER_ROUTES: readonly { identityKind: string; contactChannel: ContactChannel }[] = [
  { identityKind: 'EMAIL', contactChannel: 'EMAIL' },
  { identityKind: 'TELEGRAM', contactChannel: 'TELEGRAM' },
  { identityKind: 'WHATSAPP', contactChannel: 'WHATSAPP' },
  { identityKind: 'VK', contactChannel: 'VK' },
  { identityKind: 'PHONE', contactChannel: 'SMS' },
];

export interface ReminderContact {
  contactChannel: ContactChannel;
  address: string;
}

/**
 * Where a cart reminder may go: the first verified identifier, in the order of `REMINDER_ROUTES`,
 * whose contact channel the customer granted marketing on (or granted for ANY channel without a
 * narrower refusal). Unverified identifiers are never written to: they may belong to someone else.
 * Null when nothing qualifies, and then no reminder is sent.
 */
export function chooseReminderContact(identities: readonly Pick<IdentityRow, 'kind' | 'value' | 'verified'>[], consents: readonly ConsentRecordRow[]): ReminderContact | null {
  for (const route of REMINDER_ROUTES) {
    if (!marketingAllowedFrom(consents, route.contactChannel)) continue;
    const identity = identities.find((candidate) => candidate.kind === route.identityKind && candidate.verified);
    if (identity) return { contactChannel: route.contactChannel, address: identity.value };
  }
  return null;
}
