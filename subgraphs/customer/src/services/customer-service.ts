import { z } from 'zod';
import { canActForCustomer, fail, forbidden, succeed, unauthenticated, userError, userErrorsFromIssues, type Outcome } from '@omni/graphql';
import type { CustomerContext } from '../context';
import { updateCustomer } from '../db/customer-queries';
import type { CustomerMergeRow, CustomerRow, IdentityRow } from '../db/schema';
import { selfId, targetCustomer } from './customer-access';

/**
 * A customer's personal data is visible to that customer and to staff acting for them. A merged
 * id resolves to the survivor, for staff and for a customer still holding a token of the old id.
 */
export async function getCustomer(ctx: CustomerContext, id: string): Promise<CustomerRow | null> {
  if (ctx.caller.kind === 'customer') {
    const [self, row] = await Promise.all([selfId(ctx), ctx.loaders.customerById.load(id)]);
    if (!row || row.id !== self) throw forbidden('You may only read your own profile');
    return row;
  }
  if (!canActForCustomer(ctx.caller, id)) {
    throw ctx.caller.kind === 'anonymous' ? unauthenticated() : forbidden('Requires the customers:read permission');
  }
  return ctx.loaders.customerById.load(id);
}

export async function getSignedInCustomer(ctx: CustomerContext): Promise<CustomerRow | null> {
  if (ctx.caller.kind !== 'customer' || !ctx.caller.customerId) return null;
  return ctx.loaders.customerById.load(ctx.caller.customerId);
}

export function listIdentities(ctx: CustomerContext, customer: CustomerRow): Promise<IdentityRow[]> {
  return ctx.loaders.identitiesByCustomerId.load(customer.id);
}

export async function displayNameOf(ctx: CustomerContext, customer: CustomerRow): Promise<string> {
  const name = [customer.firstName, customer.lastName].filter(Boolean).join(' ');
  if (name) return name;
  const [first] = await listIdentities(ctx, customer);
  return first?.value ?? 'Customer';
}

const name = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const updateProfileInput = z.object({
  customerId: z.string().min(1).nullish(),
  firstName: name.nullish(),
  lastName: name.nullish(),
  locale: z
    .string()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as "de" or "ru-RU"')
    .nullish(),
});

export type UpdateProfileInput = z.input<typeof updateProfileInput>;

export async function updateCustomerProfile(ctx: CustomerContext, rawInput: UpdateProfileInput): Promise<Outcome<CustomerRow>> {
  const parsed = updateProfileInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;

  const target = await targetCustomer(ctx, input.customerId, ['input', 'customerId']);
  if (!target.ok) return target;
  const customerId = target.value;

  // Only keys present in the input change; an explicit null clears the field.
  const changes: Partial<Pick<CustomerRow, 'firstName' | 'lastName' | 'locale'>> = {};
  if (input.firstName !== undefined) changes.firstName = input.firstName;
  if (input.lastName !== undefined) changes.lastName = input.lastName;
  if (input.locale !== undefined) changes.locale = input.locale;

  const updated = await updateCustomer(ctx.db, customerId, changes);
  if (!updated) return fail(userError('NOT_FOUND', 'No such customer', ['input', 'customerId']));
  ctx.loaders.customerById.clear(customerId).prime(customerId, updated);
  return succeed(updated);
}

export function listMerges(ctx: CustomerContext, customer: CustomerRow): Promise<CustomerMergeRow[]> {
  return ctx.loaders.mergesBySurvivorId.load(customer.id);
}
