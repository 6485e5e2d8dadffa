import { isIdOf } from '@omni/db';
import { badUserInput, requireInternalCall } from '@omni/graphql';
import type { CustomerContext } from '../context';

export const MAX_CUSTOMER_IDS = 100;

/**
 * For sibling services handed a customer id (a cart opened by staff for a customer): the id each
 * one resolves to now — itself, or the survivor it was merged into — in the order asked, null for
 * ids of nobody. One statement for the batch, two when a merged id is among them.
 */
export async function currentCustomerIds(ctx: CustomerContext, ids: readonly string[]): Promise<(string | null)[]> {
  requireInternalCall(ctx.caller);
  if (ids.length > MAX_CUSTOMER_IDS) throw badUserInput(`At most ${MAX_CUSTOMER_IDS} ids per call`);
  const rows = await Promise.all(ids.map((id) => (isIdOf('cus', id) ? ctx.loaders.customerById.load(id) : null)));
  return rows.map((row) => row?.id ?? null);
}
