import { fail, succeed, userError, type Outcome } from '@omni/graphql';
import type { CustomerContext } from '../context';

/**
 * Checks a product id a caller gave before it lands on a profile. A product view happens in the
 * caller's channel, so the product must be offered there: otherwise a draft's id could be planted
 * and read back. Anything else naming a product (a logged question) only needs the product to
 * exist. Either way a profile never points at nothing; the answer for a product the caller may not
 * see is the same as for no product at all.
 */
export async function checkProductReference(
  ctx: CustomerContext,
  productId: string,
  field: string[],
  rule: 'offered-in-caller-channel' | 'exists',
): Promise<Outcome<string>> {
  const publication = (await ctx.catalog.productPublications([productId])).get(productId) ?? null;
  const allowed = publication !== null && (rule === 'exists' || publication.publishedChannels.includes(ctx.caller.channel));
  return allowed ? succeed(productId) : fail(userError('NOT_FOUND', 'No such product', field));
}
