import { z } from 'zod';
import { isIdOf, newId, isUniqueViolation } from '@omni/db';
import { fail, requireInternalCall, succeed, userError, userErrorsFromIssues, describeErrorChain, logger, type Outcome, type UserError } from '@omni/graphql';
import { forgetStock, type CatalogContext } from '../context';
import type { CatalogDb } from '../db/database';
import { stockChangedOutboxRows } from './catalog-events';
import {
  findReservation,
  findReservationByKey,
  findReservationFacts,
  holdStock,
  lockExpiredReservations,
  lockInventoryLevels,
  lockReservation,
  settleStock,
  type LockedReservation,
} from '../db/inventory-queries';
import type { InventoryReservationRow } from '../db/schema';
import { availableQuantity } from './inventory-rules';

export const DEFAULT_RESERVATION_SECONDS = 15 * 60;
export const MAX_RESERVATION_SECONDS = 24 * 60 * 60;
export const MAX_RESERVATION_LINES = 100;

const reserveInput = z.object({
  locationId: z.string().refine((value) => isIdOf('loc', value), 'is not a location id'),
  lines: z
    .array(
      z.object({
        variantId: z.string().refine((value) => isIdOf('var', value), 'is not a variant id'),
        quantity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000, 'must be at most 10000'),
      }),
    )
    .min(1, 'reserve at least one line')
    .max(MAX_RESERVATION_LINES, `at most ${MAX_RESERVATION_LINES} lines`),
  expiresInSeconds: z.number().int().min(60, 'must be at least 60').max(MAX_RESERVATION_SECONDS, `must be at most ${MAX_RESERVATION_SECONDS}`).nullish(),
  reference: z.string().trim().max(200, 'must be at most 200 characters').nullish(),
  idempotencyKey: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});
export type ReserveInventoryInput = z.input<typeof reserveInput>;

/** Which sibling service is calling: idempotency keys are scoped to it. */
function callingService(ctx: CatalogContext): string {
  return ctx.caller.service ?? ctx.caller.kind;
}

/**
 * Holds stock at one location for a checkout: all lines or none. Levels are locked in variant id
 * order, so concurrent checkouts queue on the rows they share and can never both take the last
 * unit; a replay with the same idempotency key returns the first reservation.
 */
export async function reserveInventory(ctx: CatalogContext, rawInput: ReserveInventoryInput): Promise<Outcome<InventoryReservationRow>> {
  requireInternalCall(ctx.caller);
  const parsed = reserveInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const service = callingService(ctx);
  const seen = new Set<string>();
  for (const [index, line] of input.lines.entries()) {
    if (seen.has(line.variantId)) return fail(userError('INVALID', 'Each variant may appear once', ['input', 'lines', index, 'variantId']));
    seen.add(line.variantId);
  }
  const expiresInSeconds = input.expiresInSeconds ?? DEFAULT_RESERVATION_SECONDS;
  const fingerprint = JSON.stringify([
    input.locationId,
    [...input.lines].sort((a, b) => a.variantId.localeCompare(b.variantId)).map((line) => [line.variantId, line.quantity]),
    expiresInSeconds,
    input.reference ?? null,
  ]);
  // The replay, the location, the variants and whether lapsed holds wait, in one read.
  const facts = await findReservationFacts(ctx.db, { service, idempotencyKey: input.idempotencyKey, locationId: input.locationId, variantIds: [...seen], now: new Date() });
  if (facts.earlier) return replayOf(facts.earlier, fingerprint);

  const { location, variants } = facts;
  if (!location) return fail(userError('NOT_FOUND', 'No such location', ['input', 'locationId']));
  ctx.loaders.locationById.prime(location.id, location);
  const productOf = new Map(variants.map((variant) => [variant.id, variant.productId]));
  const unknown = input.lines.flatMap((line, index) =>
    productOf.has(line.variantId) ? [] : [userError('NOT_FOUND', 'No such variant', ['input', 'lines', index, 'variantId'])],
  );
  if (unknown.length > 0) return fail(...unknown);

  // Lapsed holds at any location give their units back before we count what is free; when none
  // has lapsed, the read above was all it cost.
  if (facts.lapsed) await releaseExpiredReservations(ctx.db, { limit: 20 });

  const sorted = [...input.lines].sort((a, b) => a.variantId.localeCompare(b.variantId));
  try {
    return await ctx.db.transaction(async (tx) => {
      const levels = new Map((await lockInventoryLevels(tx, input.locationId, sorted.map((line) => line.variantId))).map((l) => [l.variantId, l]));
      const shortages: UserError[] = [];
      for (const [index, line] of input.lines.entries()) {
        const level = levels.get(line.variantId);
        const available = level ? availableQuantity(level) : 0;
        if (available < line.quantity) {
          shortages.push(
            userError(
              'OUT_OF_STOCK',
              available === 0
                ? `Out of stock at ${location.name}`
                : `Only ${available} available at ${location.name}; cannot reserve ${line.quantity}`,
              ['input', 'lines', index, 'quantity'],
            ),
          );
        }
      }
      if (shortages.length > 0) return fail(...shortages);
      const reservation = await holdStock(
        tx,
        {
          id: newId('res'),
          locationId: input.locationId,
          lines: input.lines.map((line) => ({ variantId: line.variantId, quantity: line.quantity })),
          status: 'ACTIVE',
          reference: input.reference ?? null,
          service,
          expiresAt: new Date(Date.now() + expiresInSeconds * 1000),
          idempotencyKey: input.idempotencyKey,
          requestFingerprint: fingerprint,
        },
        stockEffects(variants, input.locationId),
      );
      return succeed(reservation);
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // A concurrent request with the same key committed first; ours rolled back whole.
    const winner = await replayReservation(ctx.db, service, input.idempotencyKey, fingerprint);
    if (!winner) throw error;
    return winner;
  } finally {
    forgetStock(ctx);
  }
}

async function replayReservation(
  db: CatalogDb,
  service: string,
  idempotencyKey: string,
  fingerprint: string,
): Promise<Outcome<InventoryReservationRow> | null> {
  const existing = await findReservationByKey(db, service, idempotencyKey);
  return existing ? replayOf(existing, fingerprint) : null;
}

/** The earlier reservation for a repeated key, or a refusal when the key came with another request. */
function replayOf(existing: InventoryReservationRow, fingerprint: string): Outcome<InventoryReservationRow> {
  if (existing.requestFingerprint !== fingerprint) {
    return fail(userError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used for a different reservation', ['input', 'idempotencyKey']));
  }
  return succeed(existing);
}

/** The feed positions and events of a stock change of these variants at one location. */
function stockEffects(variants: readonly { id: string; productId: string }[], locationId: string) {
  return {
    productIds: variants.map((variant) => variant.productId),
    events: stockChangedOutboxRows(variants.map((variant) => ({ variantId: variant.id, productId: variant.productId, locationId }))),
  };
}

const reservationIdInput = z.object({
  reservationId: z.string().refine((value) => isIdOf('res', value), 'is not a reservation id'),
});
export type ReservationIdInput = z.input<typeof reservationIdInput>;

/** Gives the held units back. Releasing twice is harmless; a committed reservation cannot be released. */
export async function releaseReservation(ctx: CatalogContext, rawInput: ReservationIdInput): Promise<Outcome<InventoryReservationRow>> {
  return settle(ctx, rawInput, 'RELEASED');
}

/**
 * The order shipped or was picked up: the held units leave stock on hand and the audit trail
 * records the sale. Committing twice returns the first result.
 */
export async function commitReservation(ctx: CatalogContext, rawInput: ReservationIdInput): Promise<Outcome<InventoryReservationRow>> {
  return settle(ctx, rawInput, 'COMMITTED');
}

async function settle(ctx: CatalogContext, rawInput: ReservationIdInput, target: 'RELEASED' | 'COMMITTED'): Promise<Outcome<InventoryReservationRow>> {
  requireInternalCall(ctx.caller);
  const parsed = reservationIdInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const { reservationId } = parsed.data;
  const field = ['input', 'reservationId'];
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<InventoryReservationRow>> => {
    const locked = await lockReservation(tx, reservationId);
    if (!locked || locked.reservation.service !== callingService(ctx)) return fail(userError('NOT_FOUND', 'No such reservation', field));
    const { reservation } = locked;
    if (reservation.status === target) return succeed(reservation);
    if (reservation.status !== 'ACTIVE') {
      return fail(userError('INVALID_STATE', `The reservation is already ${reservation.status.toLowerCase()}`, field));
    }
    if (target === 'COMMITTED' && reservation.expiresAt.getTime() <= Date.now()) {
      const expired = await endReservation(tx, locked, 'EXPIRED');
      return succeed(expired);
    }
    return succeed(await endReservation(tx, locked, target));
  });
  forgetStock(ctx);
  if (outcome.ok && target === 'COMMITTED' && outcome.value.status === 'EXPIRED') {
    return fail(userError('INVALID_STATE', 'The reservation expired before it was committed; its stock was released', field));
  }
  return outcome;
}

/** Ends a locked ACTIVE reservation: the units stop being reserved, and on commit leave stock on hand. */
async function endReservation(tx: CatalogDb, { reservation, productOf }: LockedReservation, status: 'RELEASED' | 'EXPIRED' | 'COMMITTED'): Promise<InventoryReservationRow> {
  const lines = [...reservation.lines].sort((a, b) => a.variantId.localeCompare(b.variantId));
  // On commit the units leave stock on hand, and each line is recorded as sold in the audit trail.
  const sold =
    status === 'COMMITTED'
      ? {
          note: `Reservation ${reservation.id} committed${reservation.reference ? ` for ${reservation.reference}` : ''}`,
          createdAt: new Date(),
          lines: lines.map((line) => ({
            id: newId('adj'),
            variantId: line.variantId,
            delta: -line.quantity,
            idempotencyKey: `${reservation.id}:${line.variantId}`,
            requestFingerprint: JSON.stringify(['reservation', reservation.id, line.variantId, line.quantity]),
          })),
        }
      : null;
  // Variants the catalog no longer has are named in neither the feed nor the events.
  const variants = lines.flatMap((line) => (productOf[line.variantId] ? [{ id: line.variantId, productId: productOf[line.variantId]! }] : []));
  return settleStock(tx, reservation, { status, sold }, stockEffects(variants, reservation.locationId));
}

export async function getReservation(ctx: CatalogContext, id: string): Promise<InventoryReservationRow | null> {
  requireInternalCall(ctx.caller);
  if (!isIdOf('res', id)) return null;
  const reservation = await findReservation(ctx.db, id);
  return reservation && reservation.service === callingService(ctx) ? reservation : null;
}

/**
 * Releases reservations whose time ran out, one per transaction so each locks only its own
 * levels (in the same order every writer uses). Several sweepers may run: rows another one holds
 * are skipped. Returns how many were released.
 */
export async function releaseExpiredReservations(db: CatalogDb, options: { limit?: number; now?: Date } = {}): Promise<number> {
  const limit = options.limit ?? 100;
  let released = 0;
  while (released < limit) {
    const done = await db.transaction(async (tx) => {
      const [expired] = await lockExpiredReservations(tx, options.now ?? new Date(), 1);
      if (!expired) return false;
      await endReservation(tx, expired, 'EXPIRED');
      return true;
    });
    if (!done) break;
    released += 1;
  }
  return released;
}

/**
 * Releases lapsed reservations every `intervalMs` in the background, so what shoppers see as
 * available does not wait for the next checkout to sweep. Returns a function that stops it.
 */
export function startReservationSweeper(db: CatalogDb, intervalMs = 30_000, onError: (error: unknown) => void = (error) => logger.error({ service: 'catalog' }, `reservation sweep failed: ${describeErrorChain(error)}`)): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    releaseExpiredReservations(db)
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
