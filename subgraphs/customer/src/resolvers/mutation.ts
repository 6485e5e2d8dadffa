import type { CustomerContext } from '../context';
import { updateCustomerProfile, type UpdateProfileInput } from '../services/customer-service';

export const Mutation = {
  async updateCustomerProfile(_: unknown, args: { input: UpdateProfileInput }, ctx: CustomerContext) {
    const outcome = await updateCustomerProfile(ctx, args.input);
    return outcome.ok ? { customer: outcome.value, userErrors: [] } : { customer: null, userErrors: outcome.userErrors };
  },
};
