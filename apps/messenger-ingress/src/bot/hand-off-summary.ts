import type { HandOffReason } from '../support-client';
import type { CartSummary, OrderSummary } from './replies';

export interface HandOffFacts {
  reason: HandOffReason;
  provider: string;
  customerId: string | null;
  /** Null when the customer could not be read (no profile, or the gateway did not answer). */
  displayName: string | null;
  senderName: string | null;
  cart: CartSummary | null | 'unavailable';
  latestOrder: OrderSummary | null | 'unavailable';
  /** What the bot did in this conversation, oldest first, e.g. `order status: answered`. */
  tried: readonly string[];
  lastMessage: string;
}

const REASONS: Record<HandOffReason, string> = {
  CUSTOMER_ASKED: 'the customer asked for a person',
  UNKNOWN_INTENT: 'the bot did not understand the customer twice in a row',
  REPEATED_FAILURE: 'the bot could not answer twice in a row',
};

/** Longest summary written; the support subgraph keeps it beside the conversation. */
export const MAX_SUMMARY_LENGTH = 2000;

function quote(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `"${flat.length > max ? `${flat.slice(0, max - 1)}…` : flat}"`;
}

/**
 * What an agent needs before reading the transcript: who it is, what they have in the cart, their
 * last order, why the bot stopped and what it tried. Plain text in English, one fact per line.
 */
export function handOffSummary(facts: HandOffFacts): string {
  const who = facts.displayName ?? facts.senderName ?? 'unknown';
  const cart =
    facts.cart === 'unavailable'
      ? 'could not be read'
      : !facts.cart || facts.cart.totalQuantity === 0
        ? 'empty'
        : `${facts.cart.totalQuantity} item(s), ${facts.cart.total.amount} ${facts.cart.total.currencyCode}: ${facts.cart.lines.map((line) => `${line.title} × ${line.quantity}`).join(', ')}`;
  const order =
    facts.latestOrder === 'unavailable'
      ? 'could not be read'
      : !facts.latestOrder
        ? 'none'
        : `${facts.latestOrder.id} of ${facts.latestOrder.placedAt.slice(0, 10)}, ${facts.latestOrder.total.amount} ${facts.latestOrder.total.currencyCode}, ${facts.latestOrder.method} ${facts.latestOrder.status}`;
  const lines = [
    `Customer: ${who}${facts.customerId ? ` (${facts.customerId})` : ''} via ${facts.provider}`,
    `Reason: ${REASONS[facts.reason]}`,
    `Cart: ${cart}`,
    `Last order: ${order}`,
    `Bot tried: ${facts.tried.length > 0 ? facts.tried.join('; ') : 'nothing yet'}`,
    `Last message: ${quote(facts.lastMessage, 300)}`,
  ];
  const summary = lines.join('\n');
  return summary.length > MAX_SUMMARY_LENGTH ? `${summary.slice(0, MAX_SUMMARY_LENGTH - 1)}…` : summary;
}
