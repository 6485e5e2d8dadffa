import { demoId } from '@omni/db';
import { DEMO_CURRENCY, demoCatalog } from './catalog';
import { demoCustomer, demoStaffMember } from './people';

/**
 * The cross-subgraph story the demo tells: Anna has a cart with three items, a promotion
 * applies to it, and she asked about one of them on Telegram.
 */
export interface DemoCartLine {
  id: string;
  variantId: string;
  quantity: number;
  unitPriceMinor: number;
}

export interface DemoCart {
  id: string;
  customerId: string;
  channel: 'WEB' | 'MOBILE_APP';
  currencyCode: string;
  lines: DemoCartLine[];
}

export interface DemoPromotion {
  id: string;
  name: string;
  description: string;
  kind: 'PERCENTAGE_OFF_ORDER' | 'FIXED_AMOUNT_OFF_ORDER';
  /** Percent for PERCENTAGE_OFF_ORDER, minor units for FIXED_AMOUNT_OFF_ORDER. */
  value: number;
  minimumSubtotalMinor: number;
  currencyCode: string;
  /** Empty means every channel. */
  channels: string[];
}

export interface DemoConversation {
  id: string;
  customerId: string;
  channel: 'MESSENGER';
  provider: string;
  subject: string;
  messages: { id: string; author: 'CUSTOMER' | 'BOT' | 'AGENT'; staffId?: string; body: string; minutesAfterStart: number }[];
}

function firstVariants(count: number) {
  return demoCatalog()
    .products.slice(0, count)
    .map((product) => product.variants[0]!);
}

export function demoCart(): DemoCart {
  const [jacket, shirt, trousers] = firstVariants(3);
  return {
    id: demoId('cart', 'anna-active', 1),
    customerId: demoCustomer('anna').id,
    channel: 'WEB',
    currencyCode: DEMO_CURRENCY,
    lines: [
      { id: demoId('line', 'anna-1', 1), variantId: jacket!.id, quantity: 1, unitPriceMinor: jacket!.priceMinor },
      { id: demoId('line', 'anna-2', 2), variantId: shirt!.id, quantity: 2, unitPriceMinor: shirt!.priceMinor },
      { id: demoId('line', 'anna-3', 3), variantId: trousers!.id, quantity: 1, unitPriceMinor: trousers!.priceMinor },
    ],
  };
}

export const DEMO_PROMOTIONS: readonly DemoPromotion[] = [
  {
    id: demoId('promo', 'ten-percent-over-50', 1),
    name: '10% off orders over 50 EUR',
    description: 'Ten percent off the whole cart once it reaches 50 EUR, in every channel.',
    kind: 'PERCENTAGE_OFF_ORDER',
    value: 10,
    minimumSubtotalMinor: 5000,
    currencyCode: DEMO_CURRENCY,
    channels: [],
  },
  {
    id: demoId('promo', 'pos-five-off', 2),
    name: '5 EUR off in store',
    description: 'Five euros off any in-store purchase of 30 EUR or more.',
    kind: 'FIXED_AMOUNT_OFF_ORDER',
    value: 500,
    minimumSubtotalMinor: 3000,
    currencyCode: DEMO_CURRENCY,
    channels: ['POS'],
  },
];

/**
 * Templates of personal offers: the welcome coupon a first order earns (J10), and the offer on a
 * product a customer keeps coming back to (J8). They never apply by themselves; each customer gets
 * a single-use code of their own.
 */
export interface DemoOfferTemplate {
  id: string;
  name: string;
  description: string;
  trigger: 'FIRST_ORDER' | 'ENGAGED_WITH_PRODUCT';
  validForDays: number;
  currencyCode: string;
  /** A percentage off the order, or buy one get one free on the product engaged with. */
  offer: { type: 'ORDER_PERCENT_OFF'; percent: number } | { type: 'BUY_ONE_GET_ONE_FREE' };
}

export const DEMO_OFFER_TEMPLATES: readonly DemoOfferTemplate[] = [
  {
    id: demoId('promo', 'welcome-offer', 3),
    name: '10 % off your next order',
    description: 'Thank you for your first order: ten percent off the next one, in any channel, for 30 days.',
    trigger: 'FIRST_ORDER',
    validForDays: 30,
    currencyCode: DEMO_CURRENCY,
    offer: { type: 'ORDER_PERCENT_OFF', percent: 10 },
  },
  {
    id: demoId('promo', 'engaged-two-for-one', 4),
    name: '2 for 1 on the product you asked about',
    description: 'Take two of the product you asked us about and pay for one, in any channel, for 14 days.',
    trigger: 'ENGAGED_WITH_PRODUCT',
    validForDays: 14,
    currencyCode: DEMO_CURRENCY,
    offer: { type: 'BUY_ONE_GET_ONE_FREE' },
  },
];

export function demoConversation(): DemoConversation {
  const agent = demoStaffMember('support-agent');
  const [jacket] = firstVariants(1);
  return {
    id: demoId('conv', 'anna-telegram', 1),
    customerId: demoCustomer('anna').id,
    channel: 'MESSENGER',
    provider: 'TELEGRAM',
    subject: `Question about ${demoCatalog().products[0]!.title}`,
    messages: [
      { id: demoId('msg', 'anna-1', 1), author: 'CUSTOMER', body: `Hi! Is the ${jacket!.title} jacket waterproof?`, minutesAfterStart: 0 },
      { id: demoId('msg', 'anna-2', 2), author: 'BOT', body: 'Let me connect you with a colleague who knows our jackets.', minutesAfterStart: 1 },
      { id: demoId('msg', 'anna-3', 3), author: 'AGENT', staffId: agent.id, body: 'Hi Anna, yes: it has a 10,000 mm waterproof rating and taped seams.', minutesAfterStart: 4 },
    ],
  };
}

/** A fixed moment the demo timeline hangs from, so seeded timestamps never change. */
export const DEMO_EPOCH = new Date('2026-11-01T09:00:00.000Z');
