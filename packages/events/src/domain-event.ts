import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/** What travels from a producer's outbox to its consumers. */
export interface DomainEvent<TPayload extends Record<string, unknown> = Record<string, unknown>> {
  /** Unique per event (`evt_…`, time ordered); consumers deduplicate on it. */
  id: string;
  /** Dotted name, `<entity>.<past tense>`, e.g. `cart.changed`, `customer.merged`. */
  type: string;
  /** The subgraph whose outbox held the event. */
  producer: string;
  /** Id of the entity the event is about. */
  aggregateId: string;
  occurredAt: Date;
  payload: TPayload;
}

/** Any drizzle database or transaction; the event tables live in the caller's own schema. */
export type EventDb = PgDatabase<PgQueryResultHKT, any, any>;
