import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { createDatabase, type DatabaseClient } from '@omni/db';
import { messages, outboundMessages, tables, type OutboundMessageRow } from '../db/schema';
import { PermanentDeliveryError, type ProviderAdapter } from './provider-adapters';
import { outboundText } from './outbound-text';

export interface OutboundWorkerOptions {
  /** The subgraph's database client; the worker keeps its own statement count, apart from request costs. */
  client: DatabaseClient;
  adapters: Partial<Record<string, ProviderAdapter>>;
  batchSize?: number;
  pollIntervalMs?: number;
  /** How long a claimed reply stays invisible to other workers; a worker that dies frees it after this. */
  leaseMs?: number;
  /** Attempts before a reply is given up as FAILED. */
  maxAttempts?: number;
  /** Wait before the next attempt, by attempt number (1, 2, …). */
  retryDelayMs?: (attempt: number) => number;
  onError?: (error: unknown) => void;
}

export interface OutboundWorker {
  /** Claims due replies and sends each once; returns how many were attempted. */
  runOnce(): Promise<number>;
  /** Replies still PENDING (waiting, or being sent right now). */
  pending(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/** 1 s, 2 s, 4 s … capped at 10 minutes. */
export const defaultOutboundRetryDelay = (attempt: number) => Math.min(600_000, 1000 * 2 ** Math.max(0, attempt - 1));

/**
 * Sends the replies of the outbound table, one provider call per reply. Claiming works like the
 * event relay (`for update skip locked`, the next attempt time doubling as a lease), but replies
 * are sent and marked one by one: a failure retries only the reply that failed, never a batch
 * that already reached the customer. A worker that dies between the provider's answer and the
 * mark sends that reply again after the lease: delivery is at least once.
 */
export function createOutboundWorker(options: OutboundWorkerOptions): OutboundWorker {
  const { db } = createDatabase(options.client, tables);
  const batchSize = options.batchSize ?? 20;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const retryDelay = options.retryDelayMs ?? defaultOutboundRetryDelay;
  const onError = options.onError ?? ((error: unknown) => console.error('[support outbound]', error instanceof Error ? error.message : error));
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;

  async function claim(): Promise<OutboundMessageRow[]> {
    return db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(outboundMessages)
        .where(and(eq(outboundMessages.status, 'PENDING'), lte(outboundMessages.nextAttemptAt, sql`now()`)))
        .orderBy(asc(outboundMessages.nextAttemptAt))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      return tx
        .update(outboundMessages)
        .set({ attempts: sql`${outboundMessages.attempts} + 1`, nextAttemptAt: sql`now() + make_interval(secs => ${leaseMs / 1000})` })
        .where(inArray(outboundMessages.messageId, due.map((row) => row.messageId)))
        .returning();
    });
  }

  async function sendOne(row: OutboundMessageRow, text: string): Promise<void> {
    const adapter = options.adapters[row.provider];
    try {
      if (!adapter) throw new PermanentDeliveryError(`No adapter for ${row.provider}`);
      await adapter({ messageId: row.messageId, provider: row.provider, threadId: row.threadId, text });
    } catch (error) {
      const giveUp = error instanceof PermanentDeliveryError || row.attempts >= maxAttempts;
      await db
        .update(outboundMessages)
        .set({
          status: giveUp ? 'FAILED' : 'PENDING',
          lastError: (error instanceof Error ? error.message : 'delivery failed').slice(0, 500),
          nextAttemptAt: sql`now() + make_interval(secs => ${retryDelay(row.attempts) / 1000})`,
        })
        .where(eq(outboundMessages.messageId, row.messageId));
      onError(error);
      return;
    }
    await db.update(outboundMessages).set({ status: 'SENT', sentAt: sql`now()`, lastError: null }).where(eq(outboundMessages.messageId, row.messageId));
  }

  async function runOnce(): Promise<number> {
    const batch = await claim();
    if (batch.length === 0) return 0;
    const bodies = await db
      .select({ id: messages.id, body: messages.body, offerCode: messages.offerCode })
      .from(messages)
      .where(inArray(messages.id, batch.map((row) => row.messageId)));
    const textOf = new Map(bodies.map((message) => [message.id, outboundText(message)]));
    for (const row of batch) await sendOne(row, textOf.get(row.messageId) ?? '');
    return batch.length;
  }

  async function drain(): Promise<void> {
    while ((await runOnce()) > 0 && !stopped);
  }

  function schedule(delay: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      running = drain()
        .catch(onError)
        .finally(() => {
          running = null;
          schedule(options.pollIntervalMs ?? 500);
        });
    }, delay);
  }

  return {
    runOnce,
    async pending() {
      const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(outboundMessages).where(eq(outboundMessages.status, 'PENDING'));
      return row?.count ?? 0;
    },
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
