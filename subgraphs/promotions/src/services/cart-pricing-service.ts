import { isChannel, type Channel } from '@omni/auth';
import { badUserInput, isCurrencyCode, MoneyFormatError, toMinorUnits } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import type { LivePromotionRow } from '../db/promotion-queries';
import type { PromotionRow } from '../db/schema';
import { quoteCart, type CartLineInput, type CartPricingResult, type PromotionDefinition, type UsageFacts } from './engine';
import { couponFacts } from './coupon-facts';
import { candidatePromotions } from './personal-offer-pricing';
import { needsCustomerSegments, needsProductFacts, toPromotionDefinition } from './promotion-definitions';
import { usageOfLivePromotions } from './promotion-usage-service';

/** One cart line as pricing needs it: what the cart subgraph knows of it. */
export interface LineToEvaluate {
  lineId: string;
  variantId: string;
  quantity: number;
  unitPriceMinor: number;
}

/** Everything a cart's price depends on, the same for `Cart.total` and the checkout quote. */
export interface CartToEvaluate {
  channel: Channel;
  currencyCode: string;
  /** The store the sale happens at; null online. */
  locationId: string | null;
  /** Null for a guest or walk-in cart. */
  customerId: string | null;
  couponCodes: readonly string[];
  /** The chosen parcel's fee; null when nothing is shipped or nothing is chosen yet. */
  shippingMinor: number | null;
  lines: readonly LineToEvaluate[];
}

/** The engine's answer and the stored promotions it names, for the resolvers to show. */
export interface EvaluatedCart {
  result: CartPricingResult;
  promotionsById: ReadonlyMap<string, PromotionRow>;
}

/**
 * A line the representation did not list (a cart with more lines than `@requires` asks for):
 * it carries the rest of the subtotal under no product, so order-wide promotions still see the
 * whole subtotal; only product and category targets may miss units on it.
 */
export const UNLISTED_LINES_ID = 'line_unlisted';

/**
 * The one way this subgraph prices a cart: `Cart.discounts/discountTotal/total`, the cart's
 * explanations and the checkout quote (`quote-service.ts`) all come through here, with the same
 * live promotions, the same engine (`./engine`) and the same inputs, so what a shopper is shown
 * and what checkout charges cannot drift apart.
 */
export async function evaluateCart(ctx: PromotionsContext, cart: CartToEvaluate): Promise<EvaluatedCart> {
  const rows = await candidatePromotions(ctx, cart.currencyCode, cart.couponCodes);
  const definitions = rows.map(toPromotionDefinition);
  const liveById = new Map(rows.map((row) => [row.id, row]));
  const [lines, usage, coupons, customerSegments] = await Promise.all([
    linesWithProducts(ctx, cart.lines, definitions),
    usageFacts(ctx, rows, cart.customerId),
    couponFacts(ctx, cart.couponCodes, cart.channel, liveById, cart.customerId),
    segmentsOf(ctx, cart.customerId, definitions),
  ]);
  const result = quoteCart({
    cart: {
      currencyCode: cart.currencyCode,
      channel: cart.channel,
      locationId: cart.locationId,
      customerId: cart.customerId,
      customerSegments,
      lines,
      couponCodes: cart.couponCodes,
      shippingMinor: cart.shippingMinor,
    },
    now: ctx.now,
    promotions: definitions,
    usage: { ...usage, coupons },
  });
  return { result, promotionsById: new Map(rows.map((row) => [row.id, row])) };
}

/**
 * The catalog is asked for products and categories only when a candidate targets them, so carts
 * priced by order-wide promotions cost no call; when asked, every variant of every cart in the
 * request goes in one batch (`variantFacts`).
 */
async function linesWithProducts(ctx: PromotionsContext, lines: readonly LineToEvaluate[], definitions: readonly PromotionDefinition[]): Promise<CartLineInput[]> {
  const needed = definitions.some(needsProductFacts);
  const facts = needed ? await ctx.loaders.variantFacts.loadMany(lines.filter((line) => line.lineId !== UNLISTED_LINES_ID).map((line) => line.variantId)) : [];
  const byVariant = new Map(facts.flatMap((fact) => (fact && !(fact instanceof Error) ? [[fact.variantId, fact] as const] : [])));
  const failed = facts.find((fact) => fact instanceof Error);
  if (failed) throw failed;
  return lines.map((line) => {
    const fact = byVariant.get(line.variantId);
    return { ...line, productId: fact?.productId ?? '', categoryIds: fact?.categoryIds ?? [] };
  });
}

/**
 * The customer's segments now (the customer subgraph computes them on read), asked only when a
 * live promotion has a CUSTOMER_SEGMENT condition and the cart has a customer; every customer of
 * the request in one call (`customerSegments`). A guest is in no segment. When the customer
 * subgraph cannot answer, pricing fails as it does without the catalog: a price computed without
 * the segments could be lower or higher than the one checkout would charge.
 */
async function segmentsOf(ctx: PromotionsContext, customerId: string | null, definitions: readonly PromotionDefinition[]): Promise<readonly string[]> {
  if (customerId === null || !definitions.some(needsCustomerSegments)) return [];
  const facts = await ctx.loaders.customerSegments.load(customerId);
  return facts?.kinds ?? [];
}

/**
 * Uses and budget spent so far (confirmed and pending holds) of the candidates that have limits,
 * so a spent promotion is explained (USAGE_LIMIT_REACHED, …) instead of shown and then refused at
 * checkout. Totals come with the promotions; a customer's uses cost one statement per request, and
 * only when some candidate limits uses per customer. Coupon facts are read apart (`couponFacts`).
 */
async function usageFacts(ctx: PromotionsContext, rows: readonly LivePromotionRow[], customerId: string | null): Promise<UsageFacts> {
  return { promotions: await usageOfLivePromotions(ctx, rows, customerId), coupons: [] };
}

// ─── Cart representations ────────────────────────────────────────────────────────────────────────

/** A Cart as the gateway sends it to resolve the fields that `@requires` the cart's pricing inputs. */
export interface CartRepresentation {
  id: string;
  channel?: unknown;
  subtotal?: { amount?: unknown; currencyCode?: unknown } | null;
  couponCodes?: unknown;
  customer?: { id?: unknown } | null;
  store?: { id?: unknown } | null;
  lines?: {
    totalCount?: unknown;
    edges?: readonly { node?: { id?: unknown; quantity?: unknown; unitPrice?: { amount?: unknown; currencyCode?: unknown } | null; variant?: { id?: unknown } | null } | null }[];
  } | null;
}

function invalidRepresentation(what = 'channel, subtotal { amount currencyCode } and lines'): never {
  throw badUserInput(`A Cart representation needs ${what}`);
}

function minorOf(money: { amount?: unknown; currencyCode?: unknown } | null | undefined, currencyCode: string): number {
  if (typeof money?.amount !== 'string' || money.currencyCode !== currencyCode) invalidRepresentation();
  try {
    const value = toMinorUnits(money.amount, currencyCode);
    if (value < 0) invalidRepresentation();
    return value;
  } catch (error) {
    if (error instanceof MoneyFormatError) invalidRepresentation();
    throw error;
  }
}

/** The representation's fields as pricing inputs; anything malformed is BAD_USER_INPUT. */
export function cartFromRepresentation(cart: CartRepresentation): CartToEvaluate {
  const { channel, subtotal } = cart;
  if (!isChannel(channel) || typeof subtotal?.currencyCode !== 'string' || !isCurrencyCode(subtotal.currencyCode)) invalidRepresentation();
  const currencyCode = subtotal.currencyCode;
  const subtotalMinor = minorOf(subtotal, currencyCode);
  const edges = cart.lines?.edges;
  if (!Array.isArray(edges)) invalidRepresentation();
  const lines: LineToEvaluate[] = edges.map((edge) => {
    const node = edge?.node;
    const quantity = node?.quantity;
    if (typeof node?.id !== 'string' || typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 1) invalidRepresentation();
    // A line whose variant the caller may no longer see still counts; it just matches no target.
    const variantId = typeof node.variant?.id === 'string' ? node.variant.id : '';
    return { lineId: node.id, variantId, quantity, unitPriceMinor: minorOf(node.unitPrice, currencyCode) };
  });
  if (new Set(lines.map((line) => line.lineId)).size !== lines.length) invalidRepresentation('each line once');
  const listed = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0);
  if (listed > subtotalMinor) invalidRepresentation('lines that add up to the subtotal');
  if (listed < subtotalMinor) lines.push({ lineId: UNLISTED_LINES_ID, variantId: '', quantity: 1, unitPriceMinor: subtotalMinor - listed });
  const couponCodes = Array.isArray(cart.couponCodes) ? cart.couponCodes.filter((code): code is string => typeof code === 'string') : [];
  const customerId = typeof cart.customer?.id === 'string' ? cart.customer.id : null;
  const locationId = typeof cart.store?.id === 'string' ? cart.store.id : null;
  return { channel, currencyCode, locationId, customerId, couponCodes, shippingMinor: null, lines };
}

/**
 * Discounts, totals, line discounts and explanations of one cart come from one evaluation,
 * remembered for the request, so the fields cannot disagree. Promotions are public, so pricing
 * needs no permission: whoever may see the cart (decided by the cart subgraph) sees its discounts.
 */
export function priceCartRepresentation(ctx: PromotionsContext, cart: CartRepresentation): Promise<EvaluatedCart> {
  let pricing = ctx.cartPricing.get(cart);
  if (!pricing) {
    pricing = Promise.resolve().then(() => evaluateCart(ctx, cartFromRepresentation(cart)));
    ctx.cartPricing.set(cart, pricing);
  }
  return pricing;
}
