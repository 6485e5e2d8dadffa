import { CLIENT_KINDS, type ClientKind } from './client-kinds';
import type { Budget } from './token-bucket';

/** A budget per client kind; null leaves that kind unthrottled. */
export type Budgets = Record<ClientKind, Budget | null>;

/**
 * Default budgets, in points of calculated cost (see "Operation limits" in README.md). Every
 * bucket holds at least twice the largest operation the gateway accepts (25,000), so any allowed
 * operation can run from a full bucket; the restore rates leave room for a shopper's storefront
 * pages (a few hundred points each) many times a second, and give tills, partner feeds and staff
 * tools more. Behind a proxy all anonymous shoppers share one address unless TRUSTED_PROXY_HOPS
 * says how to find theirs.
 */
export const DEFAULT_BUDGETS: Budgets = {
  anonymous: { maximumAvailable: 50_000, restoreRate: 2_500 },
  guest: { maximumAvailable: 50_000, restoreRate: 2_500 },
  customer: { maximumAvailable: 50_000, restoreRate: 2_500 },
  staff: { maximumAvailable: 100_000, restoreRate: 5_000 },
  'staff-pos': { maximumAvailable: 100_000, restoreRate: 5_000 },
  partner: { maximumAvailable: 100_000, restoreRate: 5_000 },
  admin: { maximumAvailable: 200_000, restoreRate: 10_000 },
};

/** The environment variable that sets a kind's budget: RATE_LIMIT_STAFF_POS for `staff-pos`. */
export const budgetVariableOf = (kind: ClientKind): string => `RATE_LIMIT_${kind.toUpperCase().replace(/-/g, '_')}`;

export const BUDGET_VARIABLES = CLIENT_KINDS.map(budgetVariableOf);

/** `50000/2500` (maximum available / restored a second) or `off`; undefined keeps the default. */
export function parseBudget(value: string): Budget | null | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (trimmed === 'off') return null;
  const match = /^(\d+)\/(\d+)$/.exec(trimmed);
  const maximumAvailable = Number(match?.[1]);
  const restoreRate = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(maximumAvailable) || !Number.isSafeInteger(restoreRate) || maximumAvailable < 1 || restoreRate < 1) {
    throw new Error(`"${trimmed.slice(0, 40)}" is not a budget such as 50000/2500 (points, points restored a second) or off`);
  }
  return { maximumAvailable, restoreRate };
}
