import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isIdOf, isUniqueViolation, newId } from '@omni/db';
import { fail, isUsableIdempotencyKey, succeed, toMoney, UNUSABLE_IDEMPOTENCY_KEY, userError, userErrorsFromIssues, logger, type Outcome, type UserError } from '@omni/graphql';
import type { CartContext } from '../context';
import { findOrderByIdempotencyKey, placeOrder, setCartLinePrices, updateOrderSettlement } from '../db/order-queries';
import { findCartForCheckout, findCartsByIds } from '../db/cart-queries';
import type { VariantSnapshot } from '../clients/catalog-client';
import { FULFILLMENT_METHODS, MAX_CART_LINES, PAYMENT_PROVIDERS, SHIPPING_RATE_CODES, type CartLineRow, type CartRow, type OrderRow } from '../db/schema';
import type { Authorization, PaymentProvider } from '../payments/payment-providers';
import { changeCart, changeableCartAfterMerges, staffIdOf } from './cart-service';
import { maySellFrom } from './cart-access';
import { parcelFee, planCheckoutFulfillment, type CheckoutFulfillment } from './checkout-fulfillment';
import { checkQuote, PricingUnavailableError, type PriceQuote, type PricingRequest } from './pricing';
import { holdPromotionUsage, releasePromotionUsage } from './checkout-promotion-usage';
import { payWithPoints, pointsExceedTotalError, pointsOwnerError, refundPointsPayment, type PointsPayment } from './checkout-loyalty-payment';
import { allocatePoints } from './tender-allocation';

/** The most points one checkout may spend (100,000.00 in the order's currency). */
const MAX_LOYALTY_POINTS = 10_000_000;

const shippingAddress = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  line1: z.string().trim().min(1, 'must not be empty').max(200),
  line2: z.string().trim().max(200).nullish(),
  postalCode: z.string().trim().min(1, 'must not be empty').max(20),
  city: z.string().trim().min(1, 'must not be empty').max(100),
  countryCode: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code such as "DE"'),
});

const checkoutInput = z
  .object({
    cartId: z.string().min(1),
    idempotencyKey: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').refine(isUsableIdempotencyKey, UNUSABLE_IDEMPOTENCY_KEY),
    expectedVersion: z.int().min(1, 'must be a version the cart has had (1 or more)').nullish(),
    fulfillment: z.object({
      method: z.enum(FULFILLMENT_METHODS),
      locationId: z
        .string()
        .refine((id) => isIdOf('loc', id), 'must be a location id')
        .nullish(),
      shippingAddress: shippingAddress.nullish(),
      shippingRate: z.enum(SHIPPING_RATE_CODES).nullish(),
    }),
    payment: z.object({ provider: z.enum(PAYMENT_PROVIDERS), cardToken: z.string().min(1).max(200).nullish() }),
    loyaltyPoints: z
      .int('must be a whole number')
      .min(0, 'must not be negative')
      .max(MAX_LOYALTY_POINTS, `must be at most ${MAX_LOYALTY_POINTS}`)
      .nullish()
      .transform((points) => points ?? 0),
  })
  .superRefine((input, ctx) => {
    if (input.fulfillment.method !== 'PICKUP' && !input.fulfillment.shippingAddress) {
      ctx.addIssue({ code: 'custom', message: 'is required to ship an order', path: ['fulfillment', 'shippingAddress'] });
    }
    if (input.fulfillment.method !== 'DELIVERY' && !input.fulfillment.locationId) {
      ctx.addIssue({ code: 'custom', message: 'is required to name the store', path: ['fulfillment', 'locationId'] });
    }
    if (input.fulfillment.method === 'PICKUP' && input.fulfillment.shippingRate) {
      ctx.addIssue({ code: 'custom', message: 'applies only to parcels', path: ['fulfillment', 'shippingRate'] });
    }
    if (input.payment.provider === 'PAY_AT_PICKUP' && input.fulfillment.method !== 'PICKUP') {
      ctx.addIssue({ code: 'custom', message: 'paying at pickup needs a pickup order', path: ['payment', 'provider'] });
    }
    // With points the card may have nothing left to pay; that is known once priced (`cardTokenError`).
    if (input.payment.provider === 'TEST_CARD' && !input.payment.cardToken && input.loyaltyPoints === 0) {
      ctx.addIssue({ code: 'custom', message: 'is required to pay by card', path: ['payment', 'cardToken'] });
    }
  });

export type CheckoutInput = z.input<typeof checkoutInput>;
export type ParsedCheckout = z.output<typeof checkoutInput>;

/** What an idempotency key promises: the same cart checked out the same way. */
function requestHashOf(input: ParsedCheckout): string {
  const { fulfillment, payment } = input;
  const canonical = JSON.stringify([
    input.cartId,
    fulfillment.method,
    fulfillment.locationId ?? null,
    fulfillment.shippingAddress ?? null,
    fulfillment.shippingRate ?? null,
    payment.provider,
    payment.cardToken ?? null,
    // Only when used, so keys of checkouts without points keep the hash they were stored with.
    ...(input.loyaltyPoints > 0 ? [input.loyaltyPoints] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * The staff member credited with the sale: whoever checks the cart out at a till or on the
 * phone; otherwise the last staff member who added a line (an agent who built the cart in chat);
 * null when the shopper did it all alone.
 */
export function creditedStaffId(checkoutStaffId: string | null, lines: readonly Pick<CartLineRow, 'id' | 'addedByStaffId'>[]): string | null {
  if (checkoutStaffId) return checkoutStaffId;
  const assisted = lines.filter((line) => line.addedByStaffId !== null).sort((a, b) => (a.id < b.id ? -1 : 1));
  return assisted.at(-1)?.addedByStaffId ?? null;
}

/**
 * Places the order for a cart, as a saga whose steps read top to bottom:
 *
 *   validate → price → hold promotion usage and reserve stock (at once) → pay with points
 *   → authorise payment → write order → settle
 *
 * No step holds the cart lock across a network call. Until the order is written every failure
 * undoes what the steps before it did (the usage hold and the reservation are released, the
 * points refunded, the authorisation voided);
 * once it is written the sale stands, and a replay with the same key finishes settling it.
 */
export async function checkout(ctx: CartContext, rawInput: CheckoutInput): Promise<Outcome<OrderRow>> {
  const parsed = checkoutInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const requestHash = requestHashOf(input);

  // 1. Validate (an earlier attempt with this key is answered as it was).
  const validated = await validateCheckout(ctx, input, requestHash);
  if ('replayed' in validated) return validated.replayed;
  if (!validated.ok) return validated;
  const { cart, lines } = validated.value;

  // 2. Price: nothing is held yet, so a refusal needs no undo.
  const priced = await priceCheckout(ctx, input, cart, lines);
  if (!priced.ok) return priced;
  const { fulfillment, quote } = priced.value;
  // Points pay part of the total; the payment provider is asked for the rest only.
  const chargeMinor = quote.totalMinor - input.loyaltyPoints;

  // 3 and 4. Hold promotion usage (no hold without discounts) and reserve stock, both at once:
  // neither needs the other, and each is undone when the other fails. From here on both are
  // undone by releasing them.
  const [held, reserved] = await Promise.allSettled([holdPromotionUsage(ctx, input, cart, quote), reserveStock(ctx, cart, lines, fulfillment)]);
  const heldId = held.status === 'fulfilled' && held.value.ok ? held.value.value : null;
  const reservedId = reserved.status === 'fulfilled' && reserved.value.ok ? reserved.value.value : null;
  if (held.status === 'rejected' || reserved.status === 'rejected') {
    await Promise.allSettled([reservedId ? ctx.catalog.releaseReservation(reservedId) : null, releasePromotionUsage(ctx, heldId)]);
    throw held.status === 'rejected' ? held.reason : (reserved as PromiseRejectedResult).reason;
  }
  if (!held.value.ok) {
    // The reservation key is this attempt's own, so what it reserved is released whatever else happened.
    if (reservedId) await ctx.catalog.releaseReservation(reservedId);
    return held.value;
  }
  const holdId = held.value.value;
  if (!reserved.value.ok) {
    // A concurrent request with the same key may hold the stock this one asked for, and the usage
    // hold with it (the key names one hold): its order keeps it.
    const replayed = await replay(ctx, input, requestHash);
    if (replayed) return replayed;
    await releasePromotionUsage(ctx, holdId);
    return reserved.value;
  }
  const reservationId = reserved.value.value;

  // 5. Pay with points; undone from here on by refunding them. The order id is minted now so the
  // customer's ledger names the order the points paid for.
  const paidWithPoints = await payWithPoints(ctx, input, cart, newId('ord')).catch(async (error: unknown) => {
    await undo(ctx, input, null, null, reservationId, holdId, null);
    throw error;
  });
  if (!paidWithPoints.ok) {
    await ctx.catalog.releaseReservation(reservationId);
    await releasePromotionUsage(ctx, holdId);
    return paidWithPoints;
  }
  const points: PointsPayment = paidWithPoints.value;

  const provider = ctx.payments[input.payment.provider];
  let authorization: Authorization | null = null;
  let order: OrderRow | null = null;
  try {
    // 6. Authorise what the points leave to pay; undone from here on by voiding it. Nothing is
    // sent to the provider when the points paid everything: a zero authorisation means nothing.
    authorization = chargeMinor > 0 ? await authorisePayment(provider, input, cart, chargeMinor) : null;
    if (authorization && !authorization.ok) {
      await ctx.catalog.releaseReservation(reservationId);
      await releasePromotionUsage(ctx, holdId);
      await refundPointsUnlessPlaced(ctx, input, points.paymentKey);
      return fail(userError('INVALID', authorization.message, ['input', 'payment', 'cardToken']));
    }
    const paid = authorization ?? PAID_WITH_POINTS;
    // 7. Write the order; a refusal here undoes payment, points, reservation and usage hold.
    const written = await writeOrder(ctx, { orderId: points.orderId, input, requestHash, cart, lines, fulfillment, quote, holdId, reservationId, provider, paid, pointsPaid: points.points });
    if (written === 'duplicate' || !written.ok) {
      if (authorization) await provider.void(paid.reference);
      await ctx.catalog.releaseReservation(reservationId);
      // A concurrent request with the same key may have placed the order: answer as its replay
      // would. Its order keeps the usage hold and the points payment the key names; only without
      // one are they given back.
      const replayed = await replay(ctx, input, requestHash);
      if (replayed) return replayed;
      await releasePromotionUsage(ctx, holdId);
      await refundPointsPayment(ctx, cart.id, points.paymentKey);
      return written === 'duplicate' ? fail(userError('INVALID_STATE', 'The cart was checked out meanwhile', ['input', 'cartId'])) : written;
    }
    order = written.value;
  } catch (error) {
    if (!order) await undo(ctx, input, provider, authorization, reservationId, holdId, points.paymentKey);
    throw error;
  }
  ctx.loaders.cartById.clear(cart.id);
  // 8. Settle: the sale stands, so a failure here is finished by a replay, not undone.
  return succeed(await settle(ctx, order));
}

/** What the payment provider was not asked for: points paid the whole total. */
const PAID_WITH_POINTS: Extract<Authorization, { ok: true }> = { ok: true, status: 'CAPTURED', reference: null };

interface CheckableCart {
  cart: CartRow;
  lines: CartLineRow[];
}

/**
 * Step 1, validate: the caller may check this cart out this way, an earlier attempt with this
 * key is answered as it was (a replay must find its order although the cart is closed now, so
 * ownership is checked before the cart's state), and the cart is active, at the version the
 * caller saw and not empty.
 */
async function validateCheckout(ctx: CartContext, input: ParsedCheckout, requestHash: string): Promise<Outcome<CheckableCart> | { replayed: Outcome<OrderRow> }> {
  // The cart, its lines and an earlier attempt's order id in one statement, so the lines are those
  // of the version the order is later held to.
  const { cart: loaded, lines, earlierOrderId } = await findCartForCheckout(ctx.db, input.cartId, input.idempotencyKey);
  if (loaded) ctx.loaders.cartById.clear(loaded.id).prime(loaded.id, loaded);
  const owned = await changeableCartAfterMerges(ctx, loaded ? { ...loaded, status: 'ACTIVE' } : null);
  if (!owned.ok) return owned;
  if (!maySellFrom(ctx.caller, input.fulfillment.method, input.fulfillment.locationId)) {
    return fail(userError('FORBIDDEN', 'Store staff sell for collection at, or shipping from, their own store', ['input', 'fulfillment', 'locationId']));
  }
  if (earlierOrderId) {
    const earlier = await ctx.loaders.orderById.load(earlierOrderId);
    if (earlier) return { replayed: await replayOf(ctx, earlier, requestHash) };
  }

  const active = await changeableCartAfterMerges(ctx, loaded);
  if (!active.ok) return active;
  const cart = active.value;
  if (input.payment.provider === 'CASH' && !staffIdOf(ctx.caller)) {
    return fail(userError('FORBIDDEN', 'Cash is taken by staff at a till', ['input', 'payment', 'provider']));
  }
  const pointsRefused = pointsOwnerError(cart.customerId, input.loyaltyPoints);
  if (pointsRefused) return fail(pointsRefused);
  if (input.expectedVersion != null && input.expectedVersion !== cart.version) {
    return fail(userError('VERSION_CONFLICT', `The cart is at version ${cart.version}, not ${input.expectedVersion}; reload it and retry`, ['input', 'expectedVersion']));
  }
  if (lines.length === 0) return fail(userError('INVALID_STATE', 'The cart is empty', ['input', 'cartId']));
  // Carts merged from several devices can pass the limit additions keep; they are not priced whole on screen.
  if (lines.length > MAX_CART_LINES) {
    return fail(userError('INVALID_STATE', `A cart checks out at most ${MAX_CART_LINES} different items; remove ${lines.length - MAX_CART_LINES}`, ['input', 'cartId']));
  }
  return succeed({ cart, lines });
}

interface PricedCheckout {
  fulfillment: CheckoutFulfillment;
  quote: PriceQuote;
}

/**
 * Step 2, price: unit prices re-checked with the catalog, the fulfillment planned (it decides
 * where the stock is reserved), and the final price from the pricing port (the promotions quote
 * behind `Cart.total`), checked by `checkQuote`. The catalog is asked once for both its facts
 * (`checkoutFacts`) while the quote is asked for at the same time: the quote prices the unit
 * prices the cart holds, and it is used only once the catalog confirmed them. Nothing is held
 * yet, so a failure here needs no undo; pricing that cannot answer stops checkout rather than
 * charging a price nobody was shown.
 */
async function priceCheckout(ctx: CartContext, input: ParsedCheckout, cart: CartRow, lines: CartLineRow[]): Promise<Outcome<PricedCheckout>> {
  const parcel = parcelFee(input.fulfillment, cart, lines);
  const pricingRequest: PricingRequest = {
    cartId: cart.id,
    customerId: cart.customerId,
    channel: cart.channel,
    currencyCode: cart.currencyCode,
    fulfillmentMethod: input.fulfillment.method,
    locationId: cart.storeId,
    couponCodes: cart.couponCodes,
    shipping: parcel,
    lines: lines.map((line) => ({ lineId: line.id, variantId: line.variantId, quantity: line.quantity, unitPriceMinor: line.unitPriceMinor })),
  };
  // A parcel without a rate is refused by the planning below; there is nothing to price then.
  const priceable = input.fulfillment.method === 'PICKUP' || parcel !== null;
  const [facts, quoted] = await Promise.all([
    ctx.catalog.checkoutFacts(lines, cart.channel, cart.currencyCode),
    priceable ? ctx.pricing(pricingRequest).catch((error: unknown) => (error instanceof PricingUnavailableError ? error : Promise.reject(error))) : null,
  ]);

  const repriced = await recheckPrices(ctx, cart, lines, facts.snapshots);
  if (!repriced.ok) return repriced;

  const planned = planCheckoutFulfillment(input.fulfillment, cart, lines, facts.coverage);
  if (!planned.ok) return planned;
  const fulfillment = planned.value;
  // The plan accepts exactly the parcels `parcelFee` found a rate for, at the same fee.
  if (!quoted || fulfillment.shipping?.rate !== parcel?.rate || fulfillment.shipping?.feeMinor !== parcel?.feeMinor) {
    throw new Error(`The parcel of cart ${cart.id} was priced differently from how it was planned`);
  }

  if (quoted instanceof PricingUnavailableError) {
    logger.error(`checkout of ${cart.id}: ${quoted.message}`);
    return fail(userError('PRICING_UNAVAILABLE', 'The final price could not be confirmed right now; nothing was reserved or charged. Try again shortly.', ['input', 'cartId']));
  }
  const quote = quoted;
  checkQuote(pricingRequest, quote);
  const tenderRefused = pointsExceedTotalError(input.loyaltyPoints, quote.totalMinor, cart.currencyCode) ?? cardTokenError(input, quote.totalMinor - input.loyaltyPoints);
  if (tenderRefused) return fail(tenderRefused);
  return succeed({ fulfillment, quote });
}

/** A card pays whatever the points leave; only when they leave nothing may the token be missing. */
function cardTokenError(input: ParsedCheckout, chargeMinor: number): UserError | null {
  if (input.payment.provider !== 'TEST_CARD' || input.payment.cardToken || chargeMinor === 0) return null;
  return userError('INVALID', 'is required to pay by card what the points leave to pay', ['input', 'payment', 'cardToken']);
}

/**
 * Step 4, reserve stock: all lines at the source location or none. The catalog key is per
 * attempt: a retry after a lapsed or released hold must get a fresh one, not the old answer.
 * Undone by releasing the reservation.
 */
async function reserveStock(ctx: CartContext, cart: CartRow, lines: CartLineRow[], fulfillment: CheckoutFulfillment): Promise<Outcome<string>> {
  const reserved = await ctx.catalog.reserveInventory({
    locationId: fulfillment.sourceLocationId,
    lines: lines.map((line) => ({ variantId: line.variantId, quantity: line.quantity })),
    reference: cart.id,
    idempotencyKey: `checkout:${newId('chk')}`,
  });
  if (!reserved.reservation || reserved.userErrors.length > 0) return fail(...reservationErrors(reserved.userErrors, lines));
  return succeed(reserved.reservation.id);
}

/** Step 6, authorise with the payment provider what the points leave of the quoted total. Undone by voiding it. */
function authorisePayment(provider: PaymentProvider, input: ParsedCheckout, cart: CartRow, chargeMinor: number): Promise<Authorization> {
  return provider.authorize({ amountMinor: chargeMinor, currencyCode: cart.currencyCode, cardToken: input.payment.cardToken ?? null, reference: cart.id });
}

interface OrderToWrite {
  /** Minted before the points were spent, so the customer's ledger names it. */
  orderId: string;
  input: ParsedCheckout;
  requestHash: string;
  cart: CartRow;
  lines: CartLineRow[];
  fulfillment: CheckoutFulfillment;
  quote: PriceQuote;
  /** The promotion usage hold confirmed at settlement; null when nothing was discounted. */
  holdId: string | null;
  reservationId: string;
  provider: PaymentProvider;
  paid: Extract<Authorization, { ok: true }>;
  /** Loyalty points spent on the order (1 point = 1 minor unit); 0 when none. */
  pointsPaid: number;
}

/** Rolls the order's transaction back when the cart was no longer active at the version checkout priced. */
class CartMovedOn extends Error {
  override name = 'CartMovedOn';
}

/**
 * Step 7, write the order, in one transaction of one statement (`placeOrder`): close the cart
 * while it is still active at the version validated, insert the order (a concurrent duplicate key
 * fails it all and answers 'duplicate') and its lines with the discount the quote allocated to
 * each and their share of the points (see `allocatePoints`), and put `cart.changed` and
 * `order.placed` in the outbox. A cart that moved on rolls it all back. From its commit on the
 * sale stands.
 */
async function writeOrder(ctx: CartContext, order: OrderToWrite): Promise<Outcome<OrderRow> | 'duplicate'> {
  const { input, cart, lines, fulfillment, quote, provider, paid, pointsPaid } = order;
  const chargeMinor = quote.totalMinor - pointsPaid;
  const quoteByLine = new Map(quote.lines.map((line) => [line.lineId, line]));
  const paidByLine = lines.map((line) => {
    const priced = quoteByLine.get(line.id)!;
    return priced.unitPriceMinor * line.quantity - priced.discountMinor;
  });
  const pointsByLine = allocatePoints(pointsPaid, { linesPaidMinor: paidByLine, shippingMinor: quote.shippingMinor }).lines;
  const values = {
    id: order.orderId,
    cartId: cart.id,
    idempotencyKey: input.idempotencyKey,
    requestHash: order.requestHash,
    customerId: cart.customerId,
    guestId: cart.guestId,
    channel: ctx.caller.channel,
    staffId: creditedStaffId(staffIdOf(ctx.caller), lines),
    currencyCode: cart.currencyCode,
    subtotalMinor: quote.subtotalMinor,
    discountMinor: quote.discountMinor,
    shippingMinor: quote.shippingMinor,
    totalMinor: quote.totalMinor,
    fulfillmentMethod: input.fulfillment.method,
    fulfillmentLocationId: fulfillment.locationId,
    sourceLocationId: fulfillment.sourceLocationId,
    shippingRate: fulfillment.shipping?.rate ?? null,
    estimatedDeliveryAt: fulfillment.shipping?.estimatedDeliveryAt ?? null,
    fulfillmentStatus: 'UNFULFILLED' as const,
    shippingAddress: input.fulfillment.shippingAddress ?? null,
    readyBy: fulfillment.readyBy,
    reservationId: order.reservationId,
    reservationState: 'ACTIVE' as const,
    promotionHoldId: order.holdId,
    promotionHoldState: order.holdId ? ('HELD' as const) : null,
    paymentProvider: provider.id,
    paymentStatus: paid.status,
    paymentReference: paid.reference,
    capturedMinor: paid.status === 'CAPTURED' ? chargeMinor : 0,
    pointsPaid,
  };
  const orderLineRows = lines.map((line, index) => {
    const priced = quoteByLine.get(line.id)!;
    return {
      id: newId('oline'),
      orderId: order.orderId,
      variantId: line.variantId,
      quantity: line.quantity,
      unitPriceMinor: priced.unitPriceMinor,
      discountMinor: priced.discountMinor,
      paidMinor: paidByLine[index]!,
      pointsPaid: pointsByLine[index]!,
      currencyCode: line.currencyCode,
      addedInChannel: line.addedInChannel,
      addedByStaffId: line.addedByStaffId,
    };
  });
  // Both occur at the transaction's time (the outbox's default), as the cart's updatedAt and the
  // order's placedAt do; the cart is closed at the version read, so it is one more.
  const events = [
    {
      id: newId('evt'),
      type: 'cart.changed',
      aggregateId: cart.id,
      payload: { cartId: cart.id, customerId: cart.customerId, guestId: cart.guestId, channel: ctx.caller.channel, version: cart.version + 1, totalQuantity: cart.totalQuantity, status: 'CHECKED_OUT' },
    },
    {
      id: newId('evt'),
      type: 'order.placed',
      aggregateId: order.orderId,
      payload: { orderId: order.orderId, cartId: cart.id, customerId: values.customerId, channel: values.channel, staffId: values.staffId, totalMinor: values.totalMinor, loyaltyPointsPaid: pointsPaid, moneyPaidMinor: values.totalMinor - pointsPaid, currencyCode: values.currencyCode, fulfillmentMethod: values.fulfillmentMethod, locationId: values.fulfillmentLocationId, sourceLocationId: values.sourceLocationId },
    },
  ];
  try {
    return succeed(
      await ctx.db.transaction(async (tx) => {
        const placed = await placeOrder(tx, cart, values, { lines: orderLineRows, events });
        if (!placed.cartClosed) throw new CartMovedOn();
        return placed.order;
      }),
    );
  } catch (error) {
    if (isUniqueViolation(error, 'orders_cart_idempotency_key')) return 'duplicate';
    if (!(error instanceof CartMovedOn)) throw error;
    const [current] = await findCartsByIds(ctx.db, [cart.id]);
    if (!current || current.status !== 'ACTIVE') return fail(userError('INVALID_STATE', 'The cart was checked out meanwhile', ['input', 'cartId']));
    return fail(userError('VERSION_CONFLICT', `The cart changed during checkout (now version ${current.version}); review it and retry`, ['input', 'cartId']));
  }
}

/**
 * Best effort after an unexpected failure before the order exists; the holds lapse on their own
 * otherwise (points do not: see `refundPointsPayment`).
 */
async function undo(ctx: CartContext, input: ParsedCheckout, provider: PaymentProvider | null, authorization: Authorization | null, reservationId: string, holdId: string | null, pointsPaymentKey: string | null) {
  await Promise.allSettled([
    provider && authorization?.ok ? provider.void(authorization.reference) : Promise.resolve(),
    ctx.catalog.releaseReservation(reservationId),
    releasePromotionUsage(ctx, holdId),
    refundPointsUnlessPlaced(ctx, input, pointsPaymentKey),
  ]);
}

/**
 * The points payment key is the checkout's, so an order a concurrent attempt placed with the same
 * key was paid by that very payment: it is refunded only while no such order exists.
 */
async function refundPointsUnlessPlaced(ctx: CartContext, input: ParsedCheckout, paymentKey: string | null): Promise<void> {
  if (!paymentKey) return;
  if (await findOrderByIdempotencyKey(ctx.db, input.cartId, input.idempotencyKey)) return;
  await refundPointsPayment(ctx, input.cartId, paymentKey);
}

async function replay(ctx: CartContext, input: ParsedCheckout, requestHash: string): Promise<Outcome<OrderRow> | null> {
  const existing = await findOrderByIdempotencyKey(ctx.db, input.cartId, input.idempotencyKey);
  return existing ? replayOf(ctx, existing, requestHash) : null;
}

/** The answer to a checkout whose key already placed `existing`: that order, settled, or a refusal when the key was used differently. */
async function replayOf(ctx: CartContext, existing: OrderRow, requestHash: string): Promise<Outcome<OrderRow>> {
  if (existing.requestHash !== requestHash) {
    return fail(userError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for a different checkout of this cart', ['input', 'idempotencyKey']));
  }
  return succeed(await settle(ctx, existing));
}

/**
 * Step 8, settle a written order: the held units leave stock, a card authorisation is captured and
 * the promotion usage hold is confirmed with the order. The card is captured only once the units
 * left stock (or had left it at an earlier attempt): the order owes goods, and money is never
 * taken for goods that could not be committed. Confirming usage is independent and asked at the
 * same time. What they did is recorded on the order in one statement, and a failure is thrown
 * after that, for a replay to finish; an order whose stock cannot be committed is logged as an
 * error naming it and stays authorised, not charged (`reservationState` ACTIVE, `paymentStatus`
 * AUTHORIZED), until a replay commits it. Replays racing each other may both get here: committing
 * and confirming are idempotent and the capture is keyed by the order, so stock, money and usage
 * move once. The sale is final at this point, so all happen at placement, also for pickup orders.
 */
async function settle(ctx: CartContext, order: OrderRow): Promise<OrderRow> {
  // The card pays what the points left, as authorised.
  const chargeMinor = order.totalMinor - order.pointsPaid;
  const stock = order.reservationState === 'ACTIVE' ? commitStock(ctx, order) : Promise.resolve(null);
  const money = stock.then(() => (order.paymentStatus === 'AUTHORIZED' ? ctx.payments[order.paymentProvider].capture(order.paymentReference, chargeMinor, `capture:${order.id}`).then(() => true) : null));
  const [committed, captured, confirmed] = await Promise.allSettled([
    stock,
    money,
    order.promotionHoldState === 'HELD' && order.promotionHoldId ? ctx.promotionUsage.confirm(order.promotionHoldId, order.id) : null,
  ]);
  const changes: Parameters<typeof updateOrderSettlement>[2] = {};
  if (committed.status === 'fulfilled' && committed.value) changes.reservationState = 'COMMITTED';
  if (captured.status === 'fulfilled' && captured.value) Object.assign(changes, { paymentStatus: 'CAPTURED', capturedMinor: chargeMinor });
  if (confirmed.status === 'fulfilled' && confirmed.value !== null) {
    // The sale stands either way: a hold promotions no longer counts (it lapsed or was released,
    // and the limits are full by now) is recorded on the order, not retried.
    if (!confirmed.value) logger.error(`order ${order.id}: promotion usage hold ${order.promotionHoldId} could not be confirmed at settlement`);
    changes.promotionHoldState = confirmed.value ? 'CONFIRMED' : 'LAPSED';
  }
  const current = Object.keys(changes).length > 0 ? await updateOrderSettlement(ctx.db, order.id, changes) : order;
  if (committed.status === 'rejected') {
    logger.error(`order ${order.id}: its stock could not be committed, so its payment was not captured; a checkout replay with its key retries: ${errorText(committed.reason)}`);
  }
  const failed = [committed, captured, confirmed].find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  ctx.loaders.orderById.clear(current.id).prime(current.id, current);
  return current;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Attempts at committing an order's stock when the catalog cannot be reached; a refusal is final. */
const COMMIT_ATTEMPTS = 3;
const COMMIT_RETRY_MS = [50, 250];

/** Thrown when the catalog refuses to commit (the reservation lapsed or was released): asking again changes nothing. */
class StockCommitRefused extends Error {
  override name = 'StockCommitRefused';
}

/**
 * The order's held units leave stock; throws when the catalog refuses (the reservation lapsed).
 * A failure to reach the catalog is retried a few times first: the order is written, and each
 * attempt that gives up leaves it uncharged until a replay.
 */
async function commitStock(ctx: CartContext, order: OrderRow): Promise<true> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const committed = await ctx.catalog.commitReservation(order.reservationId);
      if (committed.userErrors.length > 0 || committed.reservation?.status !== 'COMMITTED') {
        throw new StockCommitRefused(`Stock of order ${order.id} could not be committed: ${committed.userErrors.map((e) => e.message).join('; ')}`);
      }
      return true;
    } catch (error) {
      if (error instanceof StockCommitRefused || attempt >= COMMIT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, COMMIT_RETRY_MS[attempt - 1]));
    }
  }
}

/**
 * Prices seen when lines were added are checked against the catalog now. A changed price is not
 * charged silently: the lines take the new price (the cart version moves on) and checkout stops
 * with a notice per line, so the shopper confirms by checking out again.
 */
async function recheckPrices(ctx: CartContext, cart: CartRow, lines: CartLineRow[], snapshots: ReadonlyMap<string, VariantSnapshot | null>): Promise<Outcome<null>> {
  const errors: UserError[] = [];
  const changes: { lineId: string; unitPriceMinor: number }[] = [];
  lines.forEach((line) => {
    const snapshot = snapshots.get(line.variantId) ?? null;
    const field = ['input', 'cartId'];
    if (!snapshot) errors.push(userError('NOT_FOUND', `Variant ${line.variantId} is no longer sold`, field));
    // Withdrawn since it was added: the order is placed in the caller's channel, which must offer it.
    else if (!snapshot.publishedChannels.includes(ctx.caller.channel)) errors.push(userError('NOT_FOUND', `Variant ${line.variantId} is no longer sold in this channel`, field));
    else if (!snapshot.availableForSale) errors.push(userError('OUT_OF_STOCK', `Variant ${line.variantId} is not available for sale`, field));
    else if (snapshot.currencyCode !== line.currencyCode) errors.push(userError('INVALID', `Variant ${line.variantId} is no longer priced in ${line.currencyCode}`, field));
    else if (snapshot.priceMinor !== line.unitPriceMinor) {
      changes.push({ lineId: line.id, unitPriceMinor: snapshot.priceMinor });
      errors.push(userError('INVALID_STATE', `The price of variant ${line.variantId} changed from ${toMoney(line.unitPriceMinor, line.currencyCode).amount} to ${toMoney(snapshot.priceMinor, line.currencyCode).amount} ${line.currencyCode}; check out again to accept it`, field));
    }
  });
  if (errors.length === 0) return succeed(null);
  if (changes.length > 0) {
    await changeCart(ctx, cart.id, cart.version, async (tx) => {
      await setCartLinePrices(tx, cart.id, changes);
      return [];
    });
  }
  return fail(...errors);
}

/** The catalog points at its own input lines; the shopper needs to know which variant is short. */
function reservationErrors(errors: readonly { code: string; message: string; field: string[] | null }[], lines: readonly CartLineRow[]): UserError[] {
  if (errors.length === 0) return [userError('INVALID_STATE', 'The stock could not be reserved', ['input', 'cartId'])];
  return errors.map((error) => {
    const index = error.field?.[2] !== undefined ? Number(error.field[2]) : NaN;
    const line = Number.isInteger(index) ? lines[index] : undefined;
    const code = error.code === 'OUT_OF_STOCK' || error.code === 'NOT_FOUND' ? error.code : 'INVALID_STATE';
    const message = line ? `Variant ${line.variantId}: ${error.message}` : error.message;
    return userError(code, message, line ? ['input', 'cartId'] : ['input', 'fulfillment', 'locationId']);
  });
}
