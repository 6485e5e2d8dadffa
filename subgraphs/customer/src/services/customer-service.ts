import { z } from 'zod';
import {
  canActForCustomer,
  fail,
  forbidden,
  requireScope,
  succeed,
  userError,
  userErrorsFromIssues,
  type Outcome,
} from '@omni/graphql';
import type { CustomerContext } from '../context';
import { updateCustomer } from '../db/customer-queries';
import type { CustomerRow, IdentityRow } from '../db/schema';

/** A customer's personal data is visible to that customer and to staff acting for them. */
export async function getCustomer(ctx: CustomerContext, id: string): Promise<CustomerRow | null> {
  if (!canActForCustomer(ctx.caller, id)) throw forbidden('You may only read your own profile');
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

  const customerId = input.customerId ?? ctx.caller.customerId;
  if (!customerId) return fail(userError('INVALID', 'customerId is required when acting for a customer', ['input', 'customerId']));
  if (ctx.caller.kind !== 'customer') requireScope(ctx.caller, 'customers:write');
  if (!canActForCustomer(ctx.caller, customerId)) {
    return fail(userError('FORBIDDEN', 'You may only update your own profile', ['input', 'customerId']));
  }

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
