import type { Channel } from '@omni/auth';
import type { PromotionsClient } from '../clients/promotions-client';
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

/** One applied promotion of a quote: what checkout holds usage for. */
export interface PriceQuoteDiscount {
  promotionId: string;
  /** The code that unlocked the promotion; null for automatic ones. */
  couponCode: string | null;
  amountMinor: number;
}

export interface PriceQuote {
  lines: PriceQuoteLine[];
  /** Every promotion applied, in the order applied; empty when nothing was discounted. */
  discounts: PriceQuoteDiscount[];
  subtotalMinor: number;
  discountMinor: number;
  shippingMinor: number;
  totalMinor: number;
}

export interface PricingRequest {
  cartId: string;
  customerId: string | null;
  /** The cart's channel: the one `Cart.total` is priced in, so checkout charges what was shown. */
  channel: Channel;
  currencyCode: string;
  fulfillmentMethod: FulfillmentMethod;
  /**
   * The cart's store (`Cart.store`), the one `Cart.total` is priced at; null online. Not where the
   * order is collected: a web order picked up in a store is still an online sale.
   */
  locationId: string | null;
  /** Codes the shopper entered on the cart. */
  couponCodes: readonly string[];
  /** The parcel's rate and its fee from the shipping zones (null for pickup); pricing may waive it. */
  shipping: { rate: ShippingRateCode; feeMinor: number } | null;
  lines: readonly PricedLineInput[];
}

/**
 * The seam where the final price of a checkout is decided; checkout trusts only what this returns
 * (after `checkQuote`). A port that cannot price right now throws `PricingUnavailableError`, and
 * checkout stops before anything is reserved or charged.
 */
export type PricingPort = (request: PricingRequest) => Promise<PriceQuote>;

/** The final price cannot be known now (promotions unreachable, or no pricing configured). */
export class PricingUnavailableError extends Error {
  override name = 'PricingUnavailableError';
}

/**
 * The promotions subgraph's quote: the same promotions, engine and inputs as the `Cart.total` the
 * shopper was shown, every discount allocated to the lines. Any failure to get a well-formed
 * quote is `PricingUnavailableError`: charging list price instead would charge more than shown.
 */
export function promotionsPricing(promotions: PromotionsClient): PricingPort {
  return async (request) => {
    const shippingMinor = request.shipping?.feeMinor ?? 0;
    let quote;
    try {
      quote = await promotions.quoteCart({
        cartId: request.cartId,
        channel: request.channel,
        locationId: request.locationId,
        customerId: request.customerId,
        currencyCode: request.currencyCode,
        lines: request.lines,
        couponCodes: request.couponCodes,
        shippingFeeMinor: shippingMinor,
      });
    } catch (error) {
      throw new PricingUnavailableError(`The promotions subgraph could not quote cart ${request.cartId}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (quote.currencyCode !== request.currencyCode) throw new PricingUnavailableError(`The quote of cart ${request.cartId} is in ${quote.currencyCode}, not ${request.currencyCode}`);
    return {
      lines: quote.lines.map((line) => ({ lineId: line.lineId, unitPriceMinor: line.unitPriceMinor, discountMinor: line.discountMinor })),
      discounts: quote.discounts.map((discount) => ({ promotionId: discount.promotionId, couponCode: discount.couponCode, amountMinor: discount.amountMinor })),
      subtotalMinor: quote.subtotalMinor,
      discountMinor: quote.discountTotalMinor,
      shippingMinor: quote.shippingMinor,
      totalMinor: quote.totalMinor,
    };
  };
}

/** For a cart subgraph started without promotions: checkout refuses rather than guess a price. */
export const unavailablePricing: PricingPort = async () => {
  throw new PricingUnavailableError('No pricing is configured for checkout');
};

/** List prices, no discounts: for tests and deployments that run no promotions at all. */
export const listPricing: PricingPort = async (request) => {
  const lines = request.lines.map((line) => ({ lineId: line.lineId, unitPriceMinor: line.unitPriceMinor, discountMinor: 0 }));
  const subtotalMinor = request.lines.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0);
  const discountMinor = 0;
  const shippingMinor = request.shipping?.feeMinor ?? 0;
  return { lines, discounts: [], subtotalMinor, discountMinor, shippingMinor, totalMinor: subtotalMinor - discountMinor + shippingMinor };
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
    // Each line once: with the count above, a repeated line would hide a missing one.
    byLine.delete(line.lineId);
    // A quote must charge the unit price checkout just confirmed with the catalog, not another.
    if (line.unitPriceMinor !== requested.unitPriceMinor) throw new Error(`The price quote prices line ${line.lineId} at another unit price`);
    const listTotal = line.unitPriceMinor * requested.quantity;
    if (!Number.isInteger(line.discountMinor) || line.discountMinor < 0 || line.discountMinor > listTotal) {
      throw new Error(`The price quote discounts line ${line.lineId} outside 0..${listTotal}`);
    }
    subtotal += listTotal;
    discount += line.discountMinor;
  }
  // Usage is held per promotion: one promotion applied twice would be counted twice.
  if (new Set(quote.discounts.map((applied) => applied.promotionId)).size !== quote.discounts.length) throw new Error('The price quote repeats a promotion');
  if (quote.subtotalMinor !== subtotal || quote.discountMinor !== discount || quote.totalMinor !== subtotal - discount + quote.shippingMinor || quote.shippingMinor < 0) {
    throw new Error('The price quote totals do not add up');
  }
}
