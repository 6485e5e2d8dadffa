import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { isAnyOf, preparedOnce } from '@omni/db';
import { describeErrorChain, logger } from '@omni/graphql';
import type { DomainEvent, EventDb } from './domain-event';
import { onOutboxCommit } from './outbox-commits';
import type { OutboxRow, OutboxTable } from './tables';

/** Hands a batch to the consumers; resolves only when every consumer accepted it. */
export type DeliverEvents = (events: DomainEvent[]) => Promise<void>;

export interface OutboxRelayOptions {
  db: EventDb;
  outbox: OutboxTable;
  producer: string;
  deliver: DeliverEvents;
  /** Tells live listeners (subscriptions, caches) about each claimed batch, besides the consumers. */
  announce?: (events: DomainEvent[]) => Promise<void>;
  batchSize?: number;
  pollIntervalMs?: number;
  /** How long a claimed batch stays invisible to other relays; a relay that dies frees it after this. */
  leaseMs?: number;
  /** Wait before retrying a batch a consumer refused, by attempt number (1, 2, …). */
  retryDelayMs?: (attempt: number) => number;
  onError?: (error: unknown) => void;
}

export interface OutboxRelay {
  /** Claims and delivers one batch; returns how many events were delivered. */
  runOnce(): Promise<number>;
  /** Delivers until nothing is due (or a batch fails); returns how many were delivered. */
  drain(): Promise<number>;
  /** Events not yet delivered, including a batch being delivered right now. */
  pending(): Promise<number>;
  /**
   * Delivers now instead of at the next poll: called after a transaction that wrote to the
   * outbox commits, so live listeners hear of the change within milliseconds. Calls while a
   * delivery runs coalesce into one more pass after it.
   */
  wake(): void;
  /** Polls in the background until stop(). */
  start(): void;
  stop(): Promise<void>;
}

const defaultRetryDelay = (attempt: number) => Math.min(60_000, 250 * 2 ** Math.min(attempt, 8));

export function toDomainEvent(row: OutboxRow, producer: string): DomainEvent {
  return { id: row.id, type: row.type, producer, aggregateId: row.aggregateId, occurredAt: row.occurredAt, payload: row.payload };
}

/**
 * Delivers the outbox at least once. A batch is claimed in one statement
 * (`for update skip locked`, so replicas never claim the same rows) by pushing its
 * `next_attempt_at` one lease ahead; delivery happens outside any transaction (a consumer may
 * share this database, and an HTTP call must not hold locks); success marks the rows delivered.
 * A relay that dies between claim and mark leaves the rows due again once the lease ends, so
 * they are delivered again: consumers must deduplicate on the event id (see `applyOnce`).
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { db, outbox, producer, deliver } = options;
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 30_000;
  const retryDelay = options.retryDelayMs ?? defaultRetryDelay;
  const onError = options.onError ?? ((error: unknown) => logger.error({ service: producer }, `${producer} outbox relay: ${describeErrorChain(error)}`));
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;

  // Both statements are built once for this relay's handle (its own, long-lived); the outbox's
  // schema names them, as subgraphs sharing one embedded database share a handle.
  const statementName = `outbox_relay:${getTableConfig(outbox).schema ?? 'public'}`;

  /**
   * Claims a batch in one statement, without a transaction of its own: the rows are locked
   * (`skip locked`, so replicas never claim the same rows) and pushed one lease ahead in the same
   * UPDATE. A claim that finds nothing — every wake ends with one — costs one statement, not three.
   * The rows come back with `attempts` already counting this one, oldest first.
   */
  async function claim(): Promise<OutboxRow[]> {
    const claimed = await preparedOnce(db, `${statementName}:claim`, (on) => {
      const due = on
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(isNull(outbox.deliveredAt), lte(outbox.nextAttemptAt, sql`now()`)))
        .orderBy(asc(outbox.id))
        .limit(sql.placeholder('limit'))
        .for('update', { skipLocked: true });
      return on
        .update(outbox)
        .set({ attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: sql`now() + make_interval(secs => ${sql.placeholder('leaseSeconds')})` })
        .where(inArray(outbox.id, due))
        .returning()
        .prepare(`${statementName}:claim`);
    }).execute({ limit: batchSize, leaseSeconds: leaseMs / 1000 });
    return claimed.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  function markDelivered(ids: string[]): Promise<unknown> {
    return preparedOnce(db, `${statementName}:delivered`, (on) =>
      on.update(outbox).set({ deliveredAt: sql`now()`, lastError: null }).where(isAnyOf(outbox.id)).prepare(`${statementName}:delivered`),
    ).execute({ keys: ids });
  }

  async function runOnce(): Promise<number> {
    const batch = await claim();
    if (batch.length === 0) return 0;
    const ids = batch.map((row) => row.id);
    const events = batch.map((row) => toDomainEvent(row, producer));
    // Live listeners re-read current state, so an announcement repeated on redelivery is harmless.
    if (options.announce) await options.announce(events).catch(onError);
    try {
      await deliver(events);
    } catch (error) {
      const attempt = Math.max(...batch.map((row) => row.attempts));
      await db
        .update(outbox)
        .set({
          lastError: error instanceof Error ? error.message.slice(0, 1000) : String(error).slice(0, 1000),
          nextAttemptAt: sql`now() + make_interval(secs => ${retryDelay(attempt) / 1000})`,
        })
        .where(and(inArray(outbox.id, ids), isNull(outbox.deliveredAt)));
      throw error;
    }
    await markDelivered(ids);
    return batch.length;
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const delivered = await runOnce();
      if (delivered === 0) return total;
      total += delivered;
    }
  }

  /**
   * What a wake or a poll runs: like `drain`, but a batch smaller than `batchSize` was everything
   * due when it was claimed, so no claim follows it to find nothing. A commit that lands meanwhile
   * wakes the relay again (`wake` queues one more pass), and the poll finds what other processes
   * wrote; each outbox write then costs the claim and the mark, not a third, empty claim.
   */
  async function deliverDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const delivered = await runOnce();
      total += delivered;
      if (delivered < batchSize) return total;
    }
  }

  let wokenWhileRunning = false;
  let stopWaking = () => {};

  function schedule(delay: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      running = deliverDue()
        .catch(onError)
        .finally(() => {
          running = null;
          const again = wokenWhileRunning;
          wokenWhileRunning = false;
          schedule(again ? 0 : (options.pollIntervalMs ?? 250));
        });
    }, delay);
  }

  function wake() {
    if (stopped) return;
    if (running) {
      wokenWhileRunning = true;
      return;
    }
    if (timer) clearTimeout(timer);
    schedule(0);
  }

  return {
    runOnce,
    drain,
    pending: () => pendingEventCount(db, outbox),
    wake,
    start() {
      if (!stopped) return;
      stopped = false;
      // A commit in this process that wrote to this outbox wakes the relay (see outbox-commits).
      stopWaking = onOutboxCommit(outbox, wake);
      schedule(0);
    },
    async stop() {
      stopped = true;
      stopWaking();
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}

/** Rows still waiting for delivery; for health checks and tests. */
export async function pendingEventCount(db: EventDb, outbox: OutboxTable): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(outbox).where(isNull(outbox.deliveredAt));
  return row?.count ?? 0;
}

export async function findOutboxEvent(db: EventDb, outbox: OutboxTable, id: string): Promise<OutboxRow | null> {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  return row ?? null;
}
