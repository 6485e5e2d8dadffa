import { pathToFileURL } from 'node:url';
import { statementsSentByThisProcess } from '@omni/db';

/**
 * Runs one service's standalone entry point (the file given as argument) as a child of the bench.
 * The bench keeps an IPC channel open only so the child notices when the bench is gone: a bench
 * killed outright (SIGKILL, a crashed terminal) runs no cleanup of its own, and its services must
 * not linger on their ports and database connections.
 */
const entry = process.argv[2];
if (!entry) throw new Error('usage: child-entry.ts <service entry point> [--edge=off]');

// Before the entry point starts its server: the bench's baseline without the edge's observability.
if (process.argv.includes('--edge=off')) (await import('@omni/graphql')).disableEdgeObservability();

// The bench asks for this process's CPU time and SQL statements before and after each run (per request).
process.on('message', (message) => {
  if (message === 'cpu-usage') process.send?.({ cpuUsage: process.cpuUsage(), statements: statementsSentByThisProcess() });
});
// A message listener would keep the process alive after its graceful stop.
process.channel?.unref();

process.once('disconnect', () => {
  // The entry point's own SIGTERM handler closes its server and pool; one that hangs is cut short.
  setTimeout(() => process.exit(1), 5_000).unref();
  process.kill(process.pid, 'SIGTERM');
});

await import(pathToFileURL(entry).href);
