import { z } from 'zod';
import { publishEvent } from '@omni/events';
import { fail, forbidden, notFound, requireStaffScope, succeed, unauthenticated, userError, userErrorsFromIssues, type Outcome } from '@omni/graphql';
import type { CustomerContext } from '../context';
import { lockCustomers } from '../db/customer-queries';
import { erasePersonalData, findPersonalData, findPersonIds } from '../db/personal-data-queries';
import { outboxEvents, type CustomerRow } from '../db/schema';
import { selfId } from './customer-access';

/** The customer a personal-data request is about: the customer themself, or one named by staff. */
async function subjectOf(ctx: CustomerContext, customerId: string | null | undefined, field: string[]): Promise<Outcome<CustomerRow>> {
  const { caller } = ctx;
  if (caller.kind === 'anonymous') throw unauthenticated();
  if (caller.kind === 'customer') {
    const self = await selfId(ctx);
    const row = await ctx.loaders.customerById.load(customerId ?? caller.customerId!);
    if (!row || row.id !== self) return fail(userError('FORBIDDEN', 'You may only ask about your own data', field));
    return succeed(row);
  }
  if (!customerId) return fail(userError('INVALID', 'customerId is required when acting for a customer', field));
  const row = await ctx.loaders.customerById.load(customerId);
  return row ? succeed(row) : fail(userError('NOT_FOUND', 'No such customer', field));
}

export interface DataExport {
  customerId: string;
  generatedAt: Date;
  sections: { source: string; data: string }[];
}

/**
 * Everything the system holds about a person: this subgraph's data and what the sibling
 * subgraphs return from their internal export operations, each as one JSON document.
 */
export async function exportCustomerData(ctx: CustomerContext, customerId: string | null | undefined): Promise<DataExport> {
  if (ctx.caller.kind !== 'customer') requireStaffScope(ctx.caller, 'personal-data:manage', "Exporting someone else's personal data is for administrators");
  const subject = await subjectOf(ctx, customerId, ['customerId']);
  if (!subject.ok) {
    const [refusal] = subject.userErrors;
    throw refusal!.code === 'NOT_FOUND' ? notFound(refusal!.message) : forbidden(refusal!.message);
  }
  const id = subject.value.id;
  const personIds = await findPersonIds(ctx.db, id);
  const own = await findPersonalData(ctx.db, id, personIds);
  const siblings = await Promise.all(ctx.personalDataHolders.map(async (holder) => ({ source: holder.name, data: JSON.stringify(await holder.exportData(personIds)) })));
  return { customerId: id, generatedAt: new Date(), sections: [{ source: 'customer', data: JSON.stringify(own) }, ...siblings] };
}

const eraseInput = z.object({ customerId: z.string().min(1).nullish() });
export type EraseCustomerInput = z.input<typeof eraseInput>;

/**
 * Erases a person in every subgraph: here in one transaction (with a `customer.erased` event in
 * the outbox), then in cart and support through their internal operations. Every step is
 * idempotent, so a failed sibling call is fixed by running the erasure again.
 */
export async function eraseCustomer(ctx: CustomerContext, rawInput: EraseCustomerInput): Promise<Outcome<{ customer: CustomerRow; erasedIn: string[] }>> {
  if (ctx.caller.kind !== 'customer') requireStaffScope(ctx.caller, 'personal-data:manage', 'Only the customer themself or an admin can erase a customer');
  const parsed = eraseInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const subject = await subjectOf(ctx, parsed.data.customerId, ['input', 'customerId']);
  if (!subject.ok) return subject;
  const id = subject.value.id;

  const { customer, personIds } = await ctx.db.transaction(async (tx) => {
    await lockCustomers(tx, [id]);
    const ids = await findPersonIds(tx, id);
    const now = new Date();
    await erasePersonalData(tx, id, ids, now);
    await publishEvent(tx, outboxEvents, { type: 'customer.erased', aggregateId: id, payload: { customerId: id, customerIds: ids }, occurredAt: now });
    const [row] = await lockCustomers(tx, [id]);
    return { customer: row!, personIds: ids };
  });
  ctx.loaders.customerById.clearAll();
  ctx.loaders.identitiesByCustomerId.clear(id);
  const erasedIn = ['customer'];
  for (const holder of ctx.personalDataHolders) {
    await holder.erase(personIds);
    erasedIn.push(holder.name);
  }
  return succeed({ customer, erasedIn });
}
