import type { CustomerContext } from '../context';
import type { CustomerRow } from '../db/schema';
import { displayNameOf, getCustomer, listIdentities } from '../services/customer-service';

export const Customer = {
  __resolveReference: (reference: { id: string }, ctx: CustomerContext) => getCustomer(ctx, reference.id),
  displayName: (customer: CustomerRow, _: unknown, ctx: CustomerContext) => displayNameOf(ctx, customer),
  identities: (customer: CustomerRow, _: unknown, ctx: CustomerContext) => listIdentities(ctx, customer),
};
