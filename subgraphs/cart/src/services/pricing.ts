import type { FulfillmentMethod, ShippingRateCode } from '../db/schema';

/** One cart line as checkout prices it: the catalog's current unit price. */
export interface PricedLineInput {
  lineId: string;
  variantId: string;
  quantity: number;
  unitPriceMinor: number;
}

export interface PriceQuoteLine {
  lineId: string;
  unitPriceMinor: number;
  /** Discount on the whole line, at most its list total. */
  discountMinor: number;
}

export interface PriceQuote {
  lines: PriceQuoteLine[];
  subtotalMinor: number;
  discountMinor: number;
  shippingMinor: number;
  totalMinor: number;
}

export interface PricingRequest {
  cartId: string;
  customerId: string | null;
  channel: string;
  currencyCode: string;
  fulfillmentMethod: FulfillmentMethod;
  /** The parcel's rate and its fee from the shipping zones (null for pickup); pricing may waive it. */
  shipping: { rate: ShippingRateCode; feeMinor: number } | null;
  lines: readonly PricedLineInput[];
}

/**
 * The seam where the final price of a checkout is decided. The promotions quote plugs in here
 * (same request, discounts per line); checkout trusts only what this returns.
 */
export type PricingPort = (request: PricingRequest) => Promise<PriceQuote>;

/** List prices, no discounts: the pricing in force until promotions quote checkouts. */
export const listPricing: PricingPort = async (request) => {
  const lines = request.lines.map((line) => ({ lineId: line.lineId, unitPriceMinor: line.unitPriceMinor, discountMinor: 0 }));
  const subtotalMinor = request.lines.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0);
  const discountMinor = 0;
  const shippingMinor = request.shipping?.feeMinor ?? 0;
  return { lines, subtotalMinor, discountMinor, shippingMinor, totalMinor: subtotalMinor - discountMinor + shippingMinor };
};

/** Refuses quotes that would break the order's invariants, whatever pricing produced them. */
export function checkQuote(request: PricingRequest, quote: PriceQuote): void {
  const byLine = new Map(request.lines.map((line) => [line.lineId, line]));
  if (quote.lines.length !== request.lines.length) throw new Error('The price quote does not cover every cart line');
  let subtotal = 0;
  let discount = 0;
  for (const line of quote.lines) {
    const requested = byLine.get(line.lineId);
    if (!requested) throw new Error(`The price quote names line ${line.lineId} that is not in the cart`);
    const listTotal = line.unitPriceMinor * requested.quantity;
    if (!Number.isInteger(line.discountMinor) || line.discountMinor < 0 || line.discountMinor > listTotal) {
      throw new Error(`The price quote discounts line ${line.lineId} outside 0..${listTotal}`);
    }
    subtotal += listTotal;
    discount += line.discountMinor;
  }
  if (quote.subtotalMinor !== subtotal || quote.discountMinor !== discount || quote.totalMinor !== subtotal - discount + quote.shippingMinor || quote.shippingMinor < 0) {
    throw new Error('The price quote totals do not add up');
  }
}
