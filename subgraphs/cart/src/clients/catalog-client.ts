import { z } from 'zod';
import type { Channel } from '@omni/auth';
import { createServiceClient, ServiceCallError, type ServiceClient } from '@omni/graphql';

/** What the cart needs to know about a variant when it is added: its current price, stock and channels. */
const variantSnapshot = z.object({
  id: z.string(),
  priceMinor: z.number().int().nonnegative(),
  currencyCode: z.string(),
  availableForSale: z.boolean(),
  totalAvailable: z.number().int(),
  /** Where the product is offered; a sale happens only in one of these channels. */
  publishedChannels: z.array(z.string()),
});
export type VariantSnapshot = z.infer<typeof variantSnapshot>;

const variantSnapshotsResponse = z.object({ variantSnapshots: z.array(variantSnapshot.nullable()) });

const VARIANT_SNAPSHOTS = /* GraphQL */ `
  query CartVariantSnapshots($ids: [ID!]!, $currencyCode: String) {
    variantSnapshots(ids: $ids, currencyCode: $currencyCode) { id priceMinor currencyCode availableForSale totalAvailable publishedChannels }
  }
`;

const userErrorSchema = z.object({ code: z.string(), message: z.string(), field: z.array(z.string()).nullable() });
const reservationSchema = z.object({ id: z.string(), status: z.enum(['ACTIVE', 'RELEASED', 'EXPIRED', 'COMMITTED']) });
const reservationPayload = z.object({ reservation: reservationSchema.nullable(), userErrors: z.array(userErrorSchema) });
export type ReservationResult = z.infer<typeof reservationPayload>;


const coverageLocationSchema = z.object({
  id: z.string(),
  kind: z.enum(['STORE', 'WAREHOUSE']),
  pickupEnabled: z.boolean(),
  transferLeadDays: z.number().int().nonnegative().nullable(),
  deliveryLeadDays: z.number().int().nonnegative().nullable(),
});
const stockCoverageSchema = z.array(z.object({ location: coverageLocationSchema, shortVariantIds: z.array(z.string()) }));
/** One location and the cart lines it cannot fill now; an empty list means it can fill the whole cart. */
export type LocationCoverage = z.infer<typeof stockCoverageSchema>[number];
const STOCK_COVERAGE = `query CartStockCoverage($lines: [StockCoverageLineInput!]!) {
  stockCoverage(lines: $lines) { location { id kind pickupEnabled transferLeadDays deliveryLeadDays } shortVariantIds }
}`;

/**
 * What checkout needs of the catalog before it holds anything, in one request: the variants'
 * current prices and channels, and which locations can fill the whole cart.
 */
const CHECKOUT_FACTS = /* GraphQL */ `
  query CartCheckoutFacts($ids: [ID!]!, $currencyCode: String, $lines: [StockCoverageLineInput!]!) {
    variantSnapshots(ids: $ids, currencyCode: $currencyCode) { id priceMinor currencyCode availableForSale totalAvailable publishedChannels }
    stockCoverage(lines: $lines) { location { id kind pickupEnabled transferLeadDays deliveryLeadDays } shortVariantIds }
  }
`;

const locationSchema = z.object({ location: z.object({ id: z.string(), kind: z.enum(['STORE', 'WAREHOUSE']) }).nullable() });
/** What the cart needs to know of a location it is told a sale happens at. */
export type LocationFacts = NonNullable<z.infer<typeof locationSchema>['location']>;
const LOCATION = `query CartLocation($id: ID!) { location(id: $id) { id kind } }`;

const RESERVATION_FIELDS = 'reservation { id status } userErrors { code message field }';
const RESERVE = `mutation CartReserve($input: ReserveInventoryInput!) { reserveInventory(input: $input) { ${RESERVATION_FIELDS} } }`;
const RELEASE = `mutation CartRelease($input: ReservationIdInput!) { releaseInventoryReservation(input: $input) { ${RESERVATION_FIELDS} } }`;
const COMMIT = `mutation CartCommit($input: ReservationIdInput!) { commitInventoryReservation(input: $input) { ${RESERVATION_FIELDS} } }`;
const RESTOCK = `mutation CartRestock($input: RestockReturnedInventoryInput!) { restockReturnedInventory(input: $input) { userErrors { code message field } } }`;
const restockPayload = z.object({ userErrors: z.array(userErrorSchema) });
const OFFLINE_SALE_STOCK = `mutation CartOfflineSaleStock($input: RecordOfflineSaleStockInput!) {
  recordOfflineSaleStock(input: $input) { lines { variantId onHandAfter shortfallAfter } userErrors { code message field } }
}`;
const offlineSaleStockPayload = z.object({
  lines: z.array(z.object({ variantId: z.string(), onHandAfter: z.number().int(), shortfallAfter: z.number().int().nonnegative() })),
  userErrors: z.array(userErrorSchema),
});
/** Stock at a store after an offline sale; `shortfallAfter` above 0 flags a level for staff to count. */
export type OfflineSaleStock = z.infer<typeof offlineSaleStockPayload>;

export interface CatalogClient {
  /**
   * Snapshots keyed by variant id; unknown ids map to null. Asked in `channel`, priced in the
   * cart's `currencyCode` where the variant has a price in it (else in its own currency).
   */
  variantSnapshots(ids: readonly string[], channel: Channel, currencyCode: string): Promise<Map<string, VariantSnapshot | null>>;
  /** `variantSnapshots` and `stockCoverage` of the same lines in one call: what checkout prices and plans with. */
  checkoutFacts(
    lines: readonly { variantId: string; quantity: number }[],
    channel: Channel,
    currencyCode: string,
  ): Promise<{ snapshots: Map<string, VariantSnapshot | null>; coverage: LocationCoverage[] }>;
  /** A location by id (its kind: a cart's store must be a store), null when there is none. */
  location(id: string): Promise<LocationFacts | null>;
  /** Every location with the lines it cannot fill now: where a cart can be picked up, shipped or reserved. */
  stockCoverage(lines: readonly { variantId: string; quantity: number }[]): Promise<LocationCoverage[]>;
  /** Holds stock at one location for all lines or none; short lines come back as OUT_OF_STOCK user errors. */
  reserveInventory(input: {
    locationId: string;
    lines: readonly { variantId: string; quantity: number }[];
    reference: string;
    idempotencyKey: string;
  }): Promise<ReservationResult>;
  releaseReservation(reservationId: string): Promise<ReservationResult>;
  commitReservation(reservationId: string): Promise<ReservationResult>;
  /** Returned units back on hand where they were handed in; the same key restocks once. */
  restockReturned(input: { variantId: string; locationId: string; quantity: number; staffId: string | null; note: string; idempotencyKey: string }): Promise<{ userErrors: ReservationResult['userErrors'] }>;
  /** Units a till sold offline leave the store's stock, below zero if need be; the same receipt moves stock once. */
  recordOfflineSaleStock(input: { locationId: string; receiptId: string; staffId: string | null; lines: readonly { variantId: string; quantity: number }[] }): Promise<OfflineSaleStock>;
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ServiceCallError(`The catalog returned a malformed ${what}`);
  return result.data;
}

/** Snapshots keyed by the ids asked for: the catalog answers in the order asked, anything else would price the wrong variant. */
function snapshotsById(ids: readonly string[], data: unknown): Map<string, VariantSnapshot | null> {
  const parsed = variantSnapshotsResponse.safeParse(data);
  if (!parsed.success || parsed.data.variantSnapshots.length !== ids.length) {
    throw new ServiceCallError('The catalog returned malformed variant snapshots');
  }
  const byId = new Map<string, VariantSnapshot | null>();
  ids.forEach((id, index) => {
    const snapshot = parsed.data.variantSnapshots[index] ?? null;
    if (snapshot && snapshot.id !== id) throw new ServiceCallError('The catalog answered for a variant that was not asked for');
    byId.set(id, snapshot);
  });
  return byId;
}

export function createCatalogClient(options: { url: string | (() => string); signingSecret: string }): CatalogClient {
  const client: ServiceClient = createServiceClient({ service: 'cart', url: options.url, signingSecret: options.signingSecret });
  return {
    async variantSnapshots(ids, channel, currencyCode) {
      return snapshotsById(ids, await client.request<unknown>(VARIANT_SNAPSHOTS, { ids: [...ids], currencyCode }, channel));
    },
    async checkoutFacts(lines, channel, currencyCode) {
      const ids = lines.map((line) => line.variantId);
      const data = await client.request<{ variantSnapshots: unknown; stockCoverage: unknown }>(
        CHECKOUT_FACTS,
        { ids, currencyCode, lines: lines.map(({ variantId, quantity }) => ({ variantId, quantity })) },
        channel,
      );
      return { snapshots: snapshotsById(ids, { variantSnapshots: data.variantSnapshots }), coverage: parsed(stockCoverageSchema, data.stockCoverage, 'stock coverage') };
    },
    async location(id) {
      const data = await client.request<unknown>(LOCATION, { id });
      const location = parsed(locationSchema, data, 'location').location;
      if (location && location.id !== id) throw new ServiceCallError('The catalog answered for a location that was not asked for');
      return location;
    },
    async stockCoverage(lines) {
      const data = await client.request<{ stockCoverage: unknown }>(STOCK_COVERAGE, { lines: lines.map(({ variantId, quantity }) => ({ variantId, quantity })) });
      return parsed(stockCoverageSchema, data.stockCoverage, 'stock coverage');
    },
    async reserveInventory(input) {
      const data = await client.request<{ reserveInventory: unknown }>(RESERVE, { input: { ...input, lines: [...input.lines] } });
      return parsed(reservationPayload, data.reserveInventory, 'reservation');
    },
    async releaseReservation(reservationId) {
      const data = await client.request<{ releaseInventoryReservation: unknown }>(RELEASE, { input: { reservationId } });
      return parsed(reservationPayload, data.releaseInventoryReservation, 'reservation');
    },
    async restockReturned(input) {
      const data = await client.request<{ restockReturnedInventory: unknown }>(RESTOCK, { input });
      return parsed(restockPayload, data.restockReturnedInventory, 'restock');
    },
    async recordOfflineSaleStock(input) {
      const data = await client.request<{ recordOfflineSaleStock: unknown }>(OFFLINE_SALE_STOCK, { input: { ...input, lines: input.lines.map(({ variantId, quantity }) => ({ variantId, quantity })) } });
      return parsed(offlineSaleStockPayload, data.recordOfflineSaleStock, 'offline sale stock');
    },
    async commitReservation(reservationId) {
      const data = await client.request<{ commitInventoryReservation: unknown }>(COMMIT, { input: { reservationId } });
      return parsed(reservationPayload, data.commitInventoryReservation, 'reservation');
    },
  };
}
