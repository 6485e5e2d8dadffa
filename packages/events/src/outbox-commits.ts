import type { EventDb } from './domain-event';
import type { OutboxTable } from './tables';

/**
 * Wakes the relays of an outbox as soon as a transaction that wrote to it commits, so an event
 * reaches live listeners within milliseconds instead of at the next poll. Relays in this process
 * register per outbox table; writers need no knowledge of them: `publishEvents` records which
 * outbox a transaction wrote to, and the database handle made by `wakeRelaysAfterCommit` wakes
 * those relays once its transaction has committed. A relay in another process still finds the
 * event by polling.
 */
const relaysByOutbox = new WeakMap<OutboxTable, Set<() => void>>();
const writesByTransaction = new WeakMap<object, Set<OutboxTable>>();
const committingHandles = new WeakSet<object>();

/** Calls `wake` after every commit that wrote to `outbox`, until the returned function is called. */
export function onOutboxCommit(outbox: OutboxTable, wake: () => void): () => void {
  let relays = relaysByOutbox.get(outbox);
  if (!relays) {
    relays = new Set();
    relaysByOutbox.set(outbox, relays);
  }
  relays.add(wake);
  return () => relays.delete(wake);
}

function wakeRelaysOf(outboxes: Iterable<OutboxTable>): void {
  for (const outbox of outboxes) for (const wake of relaysByOutbox.get(outbox) ?? []) wake();
}

/** Called by `publishEvents` once the rows are inserted through `db` (a transaction or a handle). */
export function recordOutboxWrite(db: EventDb, outbox: OutboxTable): void {
  // Outside a transaction the insert has already committed.
  if (committingHandles.has(db)) {
    wakeRelaysOf([outbox]);
    return;
  }
  let written = writesByTransaction.get(db);
  if (!written) {
    written = new Set();
    writesByTransaction.set(db, written);
  }
  written.add(outbox);
}

/**
 * The same database handle, whose transactions wake the relays of every outbox they wrote to
 * once they commit. A transaction that rolls back wakes nothing: its events never existed.
 */
export function wakeRelaysAfterCommit<TDb extends EventDb>(db: TDb): TDb {
  const handle = new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'transaction') return Reflect.get(target, property, receiver);
      return async (run: (tx: EventDb) => Promise<unknown>, config?: unknown) => {
        let written: Set<OutboxTable> | undefined;
        const result = await (target.transaction as (run: (tx: EventDb) => Promise<unknown>, config?: unknown) => Promise<unknown>)(async (tx) => {
          const value = await run(tx);
          written = writesByTransaction.get(tx);
          return value;
        }, config);
        if (written) wakeRelaysOf(written);
        return result;
      };
    },
  });
  committingHandles.add(handle);
  return handle;
}

/** A subgraph's database (`createDatabase`) whose handles wake the outbox relays after commits. */
export function withOutboxWakeUps<TDatabase extends { db: EventDb; separatelyCounted(): TDatabase }>(database: TDatabase): TDatabase {
  return { ...database, db: wakeRelaysAfterCommit(database.db), separatelyCounted: () => withOutboxWakeUps(database.separatelyCounted()) } as TDatabase;
}
