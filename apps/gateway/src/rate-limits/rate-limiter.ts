import type { Caller } from '@omni/auth';
import type { ThrottleDecision } from '@omni/graphql';
import type { BucketStore } from './bucket-store';
import type { Budgets } from './budgets';
import { bucketSubject, clientKindOf } from './client-kinds';

/**
 * Charges each operation's calculated cost to its caller's bucket, sized by the caller's kind.
 * Kinds without a budget run unthrottled and are not reported a throttle status.
 */
export function createRateLimiter(budgets: Budgets, store: BucketStore) {
  // The gateway hands the same frozen caller to every request of one client (caller-from-request.ts).
  const subjects = new WeakMap<Caller, string>();
  const subjectOf = (caller: Caller): string => {
    let subject = subjects.get(caller);
    if (subject === undefined) subjects.set(caller, (subject = bucketSubject(caller)));
    return subject;
  };
  return async (cost: number, caller: Caller): Promise<ThrottleDecision | undefined> => {
    const budget = budgets[clientKindOf(caller)];
    if (!budget) return undefined;
    const charge = await store.charge(subjectOf(caller), cost, budget);
    return {
      allowed: charge.allowed,
      retryAfterSeconds: charge.retryAfterSeconds,
      throttleStatus: {
        maximumAvailable: budget.maximumAvailable,
        // Whole points: fractions come from refilling between requests and mean nothing to a client.
        currentlyAvailable: Math.floor(charge.state.available),
        restoreRate: budget.restoreRate,
      },
    };
  };
}
