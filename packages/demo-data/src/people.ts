import { demoId } from '@omni/db';
import { demoLocation } from './locations';

export interface DemoIdentity {
  kind: 'EMAIL' | 'PHONE' | 'TELEGRAM' | 'VK' | 'WHATSAPP' | 'LOYALTY_CARD';
  value: string;
  channel: 'WEB' | 'MOBILE_APP' | 'POS' | 'MESSENGER' | 'CALL_CENTER' | 'EMAIL' | 'SOCIAL';
  verified: boolean;
}

export interface DemoConsent {
  purpose: 'MARKETING' | 'PERSONALISATION' | 'ANALYTICS';
  contactChannel: 'ANY' | 'EMAIL' | 'SMS' | 'PHONE_CALL' | 'PUSH' | 'TELEGRAM' | 'VK' | 'WHATSAPP' | 'POST';
  granted: boolean;
  source: string;
}

export interface DemoCustomer {
  id: string;
  key: string;
  /** Null for a record known only by an identifier, e.g. a caller nobody has asked for a name yet. */
  firstName: string | null;
  lastName: string | null;
  locale: string | null;
  identities: DemoIdentity[];
  /** Loyalty points earned, one ledger entry each. */
  loyalty?: { points: number; reason: string; channel: DemoIdentity['channel'] }[];
  consents?: DemoConsent[];
  /** Touchpoints on the timeline, in order. */
  touchpoints?: { kind: 'STORE_VISIT' | 'CALL_LOGGED' | 'FORM_SUBMITTED'; channel: DemoIdentity['channel']; summary: string }[];
}

export interface DemoStaffMember {
  id: string;
  key: string;
  name: string;
  role: 'CASHIER' | 'STORE_MANAGER' | 'SUPPORT_AGENT' | 'WAREHOUSE';
  homeLocationId: string;
}

const customer = (ordinal: number, fields: Omit<DemoCustomer, 'id'>): DemoCustomer => ({
  id: demoId('cus', fields.key, ordinal),
  ...fields,
});

export const DEMO_CUSTOMERS: readonly DemoCustomer[] = [
  customer(1, {
    key: 'anna', firstName: 'Anna', lastName: 'Ivanova', locale: 'ru',
    identities: [
      { kind: 'EMAIL', value: 'anna.ivanova@example.com', channel: 'WEB', verified: true },
      { kind: 'PHONE', value: '+4915112345001', channel: 'CALL_CENTER', verified: true },
      { kind: 'TELEGRAM', value: '100200301', channel: 'MESSENGER', verified: true },
    ],
    loyalty: [
      { points: 200, reason: 'welcome bonus', channel: 'WEB' },
      { points: 1000, reason: 'first orders', channel: 'POS' },
    ],
    consents: [
      { purpose: 'MARKETING', contactChannel: 'EMAIL', granted: true, source: 'web-signup-checkbox' },
      { purpose: 'PERSONALISATION', contactChannel: 'ANY', granted: true, source: 'web-signup-checkbox' },
    ],
    touchpoints: [
      { kind: 'STORE_VISIT', channel: 'POS', summary: 'Tried on jackets in Berlin Mitte' },
      { kind: 'CALL_LOGGED', channel: 'CALL_CENTER', summary: 'Asked about delivery to Leipzig' },
    ],
  }),
  customer(2, {
    key: 'ben', firstName: 'Ben', lastName: 'Schulz', locale: 'de',
    identities: [
      { kind: 'EMAIL', value: 'ben.schulz@example.com', channel: 'MOBILE_APP', verified: true },
      { kind: 'LOYALTY_CARD', value: 'LC-000002', channel: 'POS', verified: true },
    ],
    loyalty: [{ points: 300, reason: 'in-store purchase', channel: 'POS' }],
    consents: [
      { purpose: 'MARKETING', contactChannel: 'ANY', granted: true, source: 'pos-loyalty-form' },
      { purpose: 'MARKETING', contactChannel: 'SMS', granted: false, source: 'pos-loyalty-form' },
    ],
  }),
  customer(3, {
    key: 'chen', firstName: 'Chen', lastName: 'Wei', locale: 'en',
    identities: [
      { kind: 'PHONE', value: '+4917655512003', channel: 'MESSENGER', verified: true },
      { kind: 'WHATSAPP', value: '+4917655512003', channel: 'MESSENGER', verified: true },
    ],
  }),
  customer(4, {
    key: 'dmitry', firstName: 'Dmitry', lastName: 'Orlov', locale: 'ru',
    identities: [
      { kind: 'VK', value: 'id5550004', channel: 'SOCIAL', verified: true },
      { kind: 'EMAIL', value: 'd.orlov@example.com', channel: 'EMAIL', verified: false },
    ],
  }),
  // One person as two records (J12): known on Telegram, and as a caller whose number is not yet
  // linked to the Telegram account. A verified link, or staff merging by hand, makes them one.
  customer(5, {
    key: 'elena', firstName: 'Elena', lastName: 'Sokolova', locale: 'ru',
    identities: [{ kind: 'TELEGRAM', value: '100200305', channel: 'MESSENGER', verified: true }],
  }),
  customer(6, {
    key: 'elena-caller', firstName: null, lastName: null, locale: null,
    identities: [{ kind: 'PHONE', value: '+4917612345006', channel: 'CALL_CENTER', verified: false }],
  }),
];

const staff = (ordinal: number, fields: Omit<DemoStaffMember, 'id'>): DemoStaffMember => ({
  id: demoId('staff', fields.key, ordinal),
  ...fields,
});

export const DEMO_STAFF: readonly DemoStaffMember[] = [
  staff(1, { key: 'berlin-cashier', name: 'Lena Vogel', role: 'CASHIER', homeLocationId: demoLocation('berlin-mitte').id }),
  staff(2, { key: 'berlin-manager', name: 'Tom Becker', role: 'STORE_MANAGER', homeLocationId: demoLocation('berlin-mitte').id }),
  staff(3, { key: 'support-agent', name: 'Sofia Klein', role: 'SUPPORT_AGENT', homeLocationId: demoLocation('leipzig-warehouse').id }),
  staff(4, { key: 'leipzig-warehouse', name: 'Jonas Richter', role: 'WAREHOUSE', homeLocationId: demoLocation('leipzig-warehouse').id }),
];

export function demoCustomer(key: string): DemoCustomer {
  const found = DEMO_CUSTOMERS.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`No demo customer ${key}`);
  return found;
}

export function demoStaffMember(key: string): DemoStaffMember {
  const found = DEMO_STAFF.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`No demo staff member ${key}`);
  return found;
}
