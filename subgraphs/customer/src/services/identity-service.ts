import { z } from 'zod';
import type { Caller } from '@omni/auth';
import { isIdOf, newId, isUniqueViolation } from '@omni/db';
import { publishEvent } from '@omni/events';
import { fail, notFound, requireScope, requireStaffScope, succeed, userError, userErrorsFromIssues, type Outcome, type UserError } from '@omni/graphql';
import type { CustomerContext } from '../context';
import type { CustomerDb } from '../db/database';
import {
  findIdentitiesByCustomerIds,
  findIdentityHolders,
  findMergeByMergedId,
  insertCustomer,
  insertIdentities,
  lockCustomers,
  markIdentitiesVerified,
  resolveCustomerId,
} from '../db/customer-queries';
import { countMergeContents, insertMergeRecord, moveCustomerData } from '../db/merge-queries';
import { outboxEvents, TOUCHPOINT_KINDS, type CustomerMergeRow, type CustomerRow, type IdentityRow } from '../db/schema';
import { insertTimelineEntry } from '../db/timeline-queries';
import { requireCustomerWriter } from './customer-access';
import { IDENTITY_KINDS, normaliseIdentifier, planResolution, type CandidateIdentifier, type IdentityKind } from './identity-rules';
import { checkProductReference } from './product-reference';
import { signalProductEngagement } from './promotion-signal-service';

const AUTOMATIC_MERGER = 'identity-resolution';

const touchpoint = z.object({
  kind: z.enum(TOUCHPOINT_KINDS),
  summary: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
  provider: z.string().trim().min(1).max(40).nullish(),
  productId: z.string().refine((id) => isIdOf('prod', id), 'must be a product id (`prod_…`)').nullish(),
  occurredAt: z.date().nullish().refine((date) => !date || date.getTime() <= Date.now() + 60_000, 'must not be in the future'),
});

const identifyInput = z.object({
  identifiers: z
    .array(z.object({ kind: z.enum(IDENTITY_KINDS), value: z.string().max(320), verified: z.boolean(), region: z.string().regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166 country code such as "DE"').nullish() }))
    .min(1, 'give at least one identifier')
    .max(10, 'give at most 10 identifiers'),
  firstName: z.string().trim().min(1).max(100).nullish(),
  lastName: z.string().trim().min(1).max(100).nullish(),
  touchpoint: touchpoint.nullish(),
});

export type IdentifyCustomerInput = z.input<typeof identifyInput>;
export type TouchpointInput = z.input<typeof touchpoint>;

export interface IdentifyResult {
  customer: CustomerRow;
  created: boolean;
  mergedIds: string[];
  suggestedIds: string[];
}

/** Normalises every identifier; all problems are reported at once and nothing is written. */
export function normaliseCandidates(
  identifiers: readonly { kind: IdentityKind; value: string; verified: boolean; region?: string | null }[],
): Outcome<CandidateIdentifier[]> {
  const errors: UserError[] = [];
  const candidates: CandidateIdentifier[] = [];
  identifiers.forEach((identifier, index) => {
    const normalised = normaliseIdentifier(identifier.kind, identifier.value, identifier.region);
    if (normalised.ok) candidates.push({ kind: identifier.kind, value: normalised.value, verified: identifier.verified });
    else errors.push(userError('INVALID', `${identifier.kind}: ${normalised.message}`, ['input', 'identifiers', index, 'value']));
  });
  return errors.length ? fail(...errors) : succeed(candidates);
}

/**
 * Finds or creates the customer the identifiers belong to (rules in `planResolution`). Runs in
 * one transaction; two channels presenting a new identifier at the same moment collide on the
 * unique (kind, value) index, and the loser simply runs again and finds the winner's record.
 */
export async function identifyCustomer(ctx: CustomerContext, rawInput: IdentifyCustomerInput): Promise<Outcome<IdentifyResult>> {
  requireCustomerWriter(ctx.caller, { allowService: true });
  const parsed = identifyInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const candidates = normaliseCandidates(input.identifiers);
  if (!candidates.ok) return candidates;
  if (input.touchpoint?.productId) {
    const product = await checkProductReference(ctx, input.touchpoint.productId, ['input', 'touchpoint', 'productId'], 'exists');
    if (!product.ok) return product;
  }

  const result = await resolveIdentifiers(ctx, candidates.value, input);
  return succeed(result);
}

/**
 * Runs the resolution in a transaction, again when two channels raced to link the same new
 * identifier (the loser then finds the winner's record). `extra` may run in the same transaction.
 */
export async function resolveIdentifiers(
  ctx: CustomerContext,
  candidates: CandidateIdentifier[],
  input: Pick<z.output<typeof identifyInput>, 'firstName' | 'lastName' | 'touchpoint'>,
  extra?: (tx: CustomerDb, result: IdentifyResult) => Promise<void>,
): Promise<IdentifyResult> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const result = await ctx.db.transaction(async (tx) => {
        const resolved = await resolveInTransaction(tx, ctx.caller, candidates, input);
        if (extra) await extra(tx, resolved);
        return resolved;
      });
      ctx.loaders.customerById.clearAll();
      return result;
    } catch (error) {
      if (attempt >= 3 || !isUniqueViolation(error)) throw error;
    }
  }
}

async function resolveInTransaction(
  tx: CustomerDb,
  caller: Caller,
  candidates: CandidateIdentifier[],
  input: Pick<z.output<typeof identifyInput>, 'firstName' | 'lastName' | 'touchpoint'>,
): Promise<IdentifyResult> {
  const holders = await findIdentityHolders(tx, candidates);
  const plan = planResolution(
    candidates,
    holders.map((holder) => ({ ...holder, kind: holder.kind as IdentityKind })),
  );
  const now = new Date();
  let customer: CustomerRow;
  let created = false;
  if (plan.customerId) {
    const [locked] = await lockCustomers(tx, [plan.customerId]);
    customer = locked!;
  } else {
    customer = await insertCustomer(tx, { id: newId('cus'), firstName: input.firstName ?? null, lastName: input.lastName ?? null, createdAt: now, updatedAt: now });
    created = true;
  }

  const mergedIds: string[] = [];
  for (const mergedId of plan.mergeIds) {
    const reason = `verified ${candidates.filter((c) => c.verified).map((c) => c.kind).join(', ')} seen in ${caller.channel}`;
    const merged = await mergeInTransaction(tx, customer.id, mergedId, reason, AUTOMATIC_MERGER);
    if (merged.ok) mergedIds.push(mergedId);
  }

  await insertIdentities(
    tx,
    plan.attach.map((identifier) => ({
      id: newId('ident'),
      customerId: customer.id,
      kind: identifier.kind,
      value: identifier.value,
      channel: caller.channel,
      verified: identifier.verified,
      createdAt: now,
    })),
  );
  await markIdentitiesVerified(tx, plan.verify);
  if (input.touchpoint) {
    await insertTimelineEntry(tx, {
      id: newId('tl'),
      customerId: customer.id,
      kind: input.touchpoint.kind,
      channel: caller.channel,
      provider: input.touchpoint.provider ?? null,
      summary: input.touchpoint.summary,
      productId: input.touchpoint.productId ?? null,
      occurredAt: input.touchpoint.occurredAt ?? now,
    });
    // The customer's row is locked (or was created) in this transaction, so touchpoints count one at a time.
    if (input.touchpoint.productId) await signalProductEngagement(tx, customer.id, input.touchpoint.productId, input.touchpoint.occurredAt ?? now);
  }
  const [current] = await lockCustomers(tx, [customer.id]);
  return { customer: current!, created, mergedIds, suggestedIds: plan.suggestedIds };
}

export interface MergeResult {
  survivor: CustomerRow;
  merge: CustomerMergeRow;
  replayed: boolean;
}

/**
 * Moves `mergedId` into `survivorId` inside `tx`. A pair merged before is a replay: the first
 * merge record comes back and nothing changes. Publishes `customer.merged` so cart and support can
 * move carts and conversations.
 */
export async function mergeInTransaction(tx: CustomerDb, survivorId: string, mergedId: string, reason: string, mergedBy: string): Promise<Outcome<MergeResult>> {
  const rows = await lockCustomers(tx, [survivorId, mergedId]);
  const survivor = rows.find((row) => row.id === survivorId);
  const merged = rows.find((row) => row.id === mergedId);
  if (!survivor) return fail(userError('NOT_FOUND', 'No such customer', ['input', 'survivorId']));
  if (!merged) return fail(userError('NOT_FOUND', 'No such customer', ['input', 'mergedId']));
  if (merged.mergedIntoId === survivor.id) {
    const previous = await findMergeByMergedId(tx, merged.id);
    return succeed({ survivor, merge: previous!, replayed: true });
  }
  if (survivor.mergedIntoId) return fail(userError('INVALID_STATE', `The survivor was merged into ${survivor.mergedIntoId}`, ['input', 'survivorId']));
  if (merged.mergedIntoId) return fail(userError('INVALID_STATE', `That record was merged into ${merged.mergedIntoId}`, ['input', 'mergedId']));

  const moved = await moveCustomerData(tx, survivor, merged);
  const merge = await insertMergeRecord(tx, { id: newId('merge'), survivorId: survivor.id, mergedId: merged.id, reason, mergedBy, moved: { ...moved } });
  await publishEvent(tx, outboxEvents, {
    type: 'customer.merged',
    aggregateId: survivor.id,
    payload: { survivorId: survivor.id, mergedId: merged.id, mergeId: merge.id },
    occurredAt: merge.createdAt,
  });
  const [after] = await lockCustomers(tx, [survivor.id]);
  return succeed({ survivor: after!, merge, replayed: false });
}

const mergeInput = z.object({
  survivorId: z.string().min(1),
  mergedId: z.string().min(1),
  reason: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
});
export type MergeCustomersInput = z.input<typeof mergeInput>;

/**
 * A merge by hand. Ids are taken as given (a merged id names its survivor); merging a record into
 * the customer it already resolves to is the replay case and changes nothing.
 */
export async function mergeCustomers(ctx: CustomerContext, rawInput: MergeCustomersInput): Promise<Outcome<MergeResult>> {
  requireCustomerWriter(ctx.caller);
  requireScope(ctx.caller, 'customers:merge');
  const parsed = mergeInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const [survivorHead, mergedHead] = await Promise.all([resolveCustomerId(ctx.db, input.survivorId), resolveCustomerId(ctx.db, input.mergedId)]);
  if (!survivorHead) return fail(userError('NOT_FOUND', 'No such customer', ['input', 'survivorId']));
  if (!mergedHead) return fail(userError('NOT_FOUND', 'No such customer', ['input', 'mergedId']));
  if (input.survivorId === input.mergedId) return fail(userError('INVALID', 'A customer cannot be merged into itself', ['input', 'mergedId']));
  const mergedBy = ctx.caller.staffId ?? ctx.caller.kind;
  const outcome = await ctx.db.transaction(async (tx) => {
    if (survivorHead === mergedHead) {
      // Already one person: replay of this pair, or of a merge that went the other way round.
      const [survivor] = await lockCustomers(tx, [survivorHead]);
      const previous = await findMergeByMergedId(tx, input.mergedId === survivorHead ? input.survivorId : input.mergedId);
      return previous ? succeed({ survivor: survivor!, merge: previous, replayed: true }) : fail(userError('INVALID', 'A customer cannot be merged into itself', ['input', 'mergedId']));
    }
    return mergeInTransaction(tx, survivorHead, mergedHead, input.reason, mergedBy);
  });
  ctx.loaders.customerById.clearAll();
  return outcome;
}

export interface MergePreview {
  survivor: CustomerRow;
  merged: CustomerRow;
  identities: IdentityRow[];
  timelineEntries: number;
  consentRecords: number;
  loyaltyPoints: number;
  alreadyMerged: boolean;
}

export async function previewMerge(ctx: CustomerContext, survivorId: string, mergedId: string): Promise<MergePreview> {
  // The preview exists to decide a merge, so it follows the merge permission.
  requireStaffScope(ctx.caller, 'customers:merge', 'Requires the customers:merge permission');
  const [survivor, merged] = await Promise.all([ctx.loaders.customerById.load(survivorId), ctx.loaders.customerById.load(mergedId)]);
  if (!survivor || !merged) throw notFound('No such customer');
  if (survivor.id === merged.id) {
    return { survivor, merged, identities: [], timelineEntries: 0, consentRecords: 0, loyaltyPoints: 0, alreadyMerged: true };
  }
  const [identities, counts] = await Promise.all([findIdentitiesByCustomerIds(ctx.db, [merged.id]), countMergeContents(ctx.db, merged.id)]);
  return { survivor, merged, identities, timelineEntries: counts.timelineEntries, consentRecords: counts.consentRecords, loyaltyPoints: counts.loyaltyPoints, alreadyMerged: false };
}
