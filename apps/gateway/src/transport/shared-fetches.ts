import { canonicalJson, type Caller } from '@omni/auth';

/**
 * Which subgraph fetches may share one answer. Two fetches share when they are in flight at the
 * same time and would get the same answer: the same subgraph (one table of fetches per subgraph),
 * the same request body (operation text, name and variables, so the same entity representations
 * too) and the same caller as the subgraph sees it, or, for public data, the same visibility
 * (`SharedBy`). Only queries: a mutation, sent twice, must run twice.
 */

/**
 * Caller fields that say where this one request came from, not whom it acts for or what it may
 * see. The client's address feeds only the sign-in throttle (a mutation, never shared); leaving it
 * out lets anonymous shoppers behind different addresses share a product page fetch.
 */
const PER_REQUEST_CALLER_FIELDS = new Set<string>(['clientAddress']);

/** The caller as far as it can change an answer: kind, channel, ids, role, location, scopes. */
export function answerRelevantCaller(caller: Caller): Record<string, unknown> {
  const relevant: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(caller)) {
    if (!PER_REQUEST_CALLER_FIELDS.has(field)) relevant[field] = value;
  }
  return relevant;
}

/**
 * True for an operation the gateway's query planner wrote as a query: `query …` or the `{ … }`
 * shorthand. Anything else (a mutation, a subscription, text that does not start as expected)
 * is never shared.
 */
export function isSharableOperation(query: string): boolean {
  const start = query.trimStart();
  return start.startsWith('{') || /^query\b/.test(start);
}

/**
 * Whom a subgraph's answers to queries depend on:
 * - `caller`: the caller as far as it can change an answer (answerRelevantCaller), so only requests
 *   of the same customer, guest, staff member or partner share a fetch;
 * - `visibility`: only what the caller may see (visibilityOf), for a subgraph of public data that
 *   reads no one's personal data: the catalog shows every customer of a channel the same products,
 *   prices and stock, so concurrent shoppers share its fetches whoever they are.
 */
export type SharedBy = 'caller' | 'visibility';

/** The subgraphs whose query answers depend on the caller's visibility alone (see `SharedBy`). */
export const VISIBILITY_SHARED_SUBGRAPHS: ReadonlySet<string> = new Set(['catalog']);

/**
 * What decides what a caller may see of public data: kind (staff see references to withdrawn
 * products), channel (publication), staff role and work location (inventory), scopes. Not the
 * ids of the customer, guest, staff member or partner, nor the address.
 */
export function visibilityOf(caller: Caller): Record<string, unknown> {
  return { kind: caller.kind, channel: caller.channel, staffRole: caller.staffRole, locationId: caller.locationId, scopes: caller.scopes };
}

/** The caller part of the keys as text, once per caller object (a caller is never changed). */
const callerKeys: Record<SharedBy, WeakMap<Caller, string>> = { caller: new WeakMap(), visibility: new WeakMap() };

function callerKeyOf(caller: Caller, sharedBy: SharedBy): string {
  const keys = callerKeys[sharedBy];
  let key = keys.get(caller);
  if (key === undefined) keys.set(caller, (key = canonicalJson(sharedBy === 'visibility' ? visibilityOf(caller) : answerRelevantCaller(caller))));
  return key;
}

/** The key of a fetch that may be shared, or undefined for one that must go out on its own. */
export function sharedFetchKey(caller: Caller | undefined, query: string | undefined, body: string, sharedBy: SharedBy = 'caller'): string | undefined {
  if (!caller || !query || !isSharableOperation(query)) return undefined;
  return `${callerKeyOf(caller, sharedBy)}\n${body}`;
}

/**
 * Fetches in flight by key: the first starts the fetch, the ones that arrive while it runs wait
 * for its answer, and the key is forgotten the moment that answer (or failure) is in, so a later
 * fetch always goes out afresh. Nothing is kept after the fact: this is no cache.
 */
export class InFlightFetches<TResult> {
  private readonly running = new Map<string, Promise<TResult>>();

  /** Fetches in flight now (for tests). */
  get size(): number {
    return this.running.size;
  }

  run(key: string | undefined, start: () => Promise<TResult>): Promise<TResult> {
    if (key === undefined) return start();
    const running = this.running.get(key);
    if (running) return running;
    const started = start().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }
}
