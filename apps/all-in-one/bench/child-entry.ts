import cluster, { type Worker } from 'node:cluster';
import { pathToFileURL } from 'node:url';

/**
 * Runs one service's standalone entry point (the file given as argument) as a child of the bench.
 * The bench keeps an IPC channel open only so the child notices when the bench is gone: a bench
 * killed outright (SIGKILL, a crashed terminal) runs no cleanup of its own, and its services must
 * not linger on their ports and database connections.
 */
const entry = process.argv[2];
const WORKER_REPLY_MS = 2_000;
if (!entry) throw new Error('usage: child-entry.ts <service entry point> [--edge=off]');

// Before the entry point starts its server: the bench's baseline without the edge's observability.
if (process.argv.includes('--edge=off')) (await import('@omni/graphql')).disableEdgeObservability();

// The bench asks for this process's CPU time and SQL statements before and after each run (per
// request). A primary running the service in workers (WORKERS > 1) answers for itself and all of
// them: each worker runs this same file and answers its primary the same way.
process.on('message', (message) => {
  if (message !== 'cpu-usage') return;
  void usageWithWorkers().then((usage) => process.send?.(usage));
});

/**
 * The SQL statements this process has sent, as @omni/db counts them on the global object (see
 * `statementsSentByThisProcess` in packages/db/src/database.ts). Read from there, not through an
 * import: a compiled service holds its own copy of every @omni module, and importing the sources'
 * copy here would load a second one beside it (registering every metric twice).
 */
const statementsSentByThisProcess = (): number =>
  (globalThis as { [key: symbol]: { count: number } | undefined })[Symbol.for('@omni/db statements sent by this process')]?.count ?? 0;

interface Usage {
  cpuUsage: { user: number; system: number };
  statements: number;
}

async function usageWithWorkers(): Promise<Usage> {
  const own: Usage = { cpuUsage: process.cpuUsage(), statements: statementsSentByThisProcess() };
  if (!cluster.isPrimary) return own;
  const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined && worker.isConnected());
  const replies = await Promise.all(workers.map(usageOfWorker));
  return replies.reduce<Usage>(
    (sum, reply) => ({
      cpuUsage: { user: sum.cpuUsage.user + reply.cpuUsage.user, system: sum.cpuUsage.system + reply.cpuUsage.system },
      statements: sum.statements + reply.statements,
    }),
    own,
  );
}

/** A worker's own figures; one that does not answer in time (stopping) counts nothing. */
function usageOfWorker(worker: Worker): Promise<Usage> {
  return new Promise((resolve) => {
    const none: Usage = { cpuUsage: { user: 0, system: 0 }, statements: 0 };
    const timer = setTimeout(() => (worker.off('message', onMessage), resolve(none)), WORKER_REPLY_MS);
    const onMessage = (reply: Partial<Usage> | null) => {
      if (!reply?.cpuUsage) return;
      clearTimeout(timer);
      worker.off('message', onMessage);
      resolve({ cpuUsage: reply.cpuUsage, statements: reply.statements ?? 0 });
    };
    worker.on('message', onMessage);
    worker.send('cpu-usage');
  });
}
// A message listener would keep the process alive after its graceful stop. Not in a worker: its
// channel to the primary is what its server's connections arrive through, its only handle.
if (!cluster.isWorker) process.channel?.unref();

process.once('disconnect', () => {
  // The entry point's own SIGTERM handler closes its server and pool; one that hangs is cut short.
  setTimeout(() => process.exit(1), 5_000).unref();
  process.kill(process.pid, 'SIGTERM');
});

await import(pathToFileURL(entry).href);
