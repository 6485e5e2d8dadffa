import cluster, { type Worker } from 'node:cluster';
import { SHUTDOWN_DEADLINE_MS, TERMINATION_SIGNALS } from './graceful-shutdown';

/**
 * One service on every core: a primary process that only starts and watches N workers, each of
 * which runs the whole service (`start`) and listens on the same port; the primary hands them the
 * incoming connections in turn. Workers share nothing but the port, exactly like replicas behind a
 * load balancer, so whatever must be shared between replicas (rate-limit budgets, the event feed,
 * caches that are invalidated) must go through Redis, NATS or Postgres, as for replicas.
 *
 * A stop signal reaches the primary, which passes SIGTERM to every worker: each finishes its
 * requests in flight and stops as it would alone (`stopOnTerminationSignals`); the primary exits
 * when they have, 0 if every one of them stopped cleanly.
 */

export interface WorkerSupervisorOptions {
  /** The service's name, for the log lines. */
  service: string;
  /** Workers to run; 1 runs `start` in this very process, without a primary. */
  workers: number;
  log?: (line: string) => void;
  /** Ends the primary; `process.exit` outside tests. */
  exit?: (code: number) => void;
}

/** A worker that dies this soon after starting is taken to fail at start-up, and not started again. */
const START_UP_MS = 10_000;
/** Past the workers' own stop deadline, the primary stops waiting and kills what is left. */
const PRIMARY_DEADLINE_MS = SHUTDOWN_DEADLINE_MS + 1_000;

/** Seeding and other once-per-deployment work at start: in the process itself, or in the first worker only. */
export function isFirstWorker(): boolean {
  return !cluster.isWorker || cluster.worker?.id === 1;
}

/** Runs `start` in this process (one worker, or a worker of a cluster), or starts and supervises the workers. */
export async function runInWorkers(options: WorkerSupervisorOptions, start: () => Promise<void>): Promise<void> {
  if (options.workers <= 1 || cluster.isWorker) return start();
  superviseWorkers(options);
}

function superviseWorkers({ service, workers, log = (line) => console.log(line), exit = (code) => process.exit(code) }: WorkerSupervisorOptions): void {
  const startedAt = new Map<Worker, number>();
  let stopping = false;
  let failed = false;

  const fork = () => startedAt.set(cluster.fork(), Date.now());

  const finishWhenAllGone = () => {
    if (stopping && Object.keys(cluster.workers ?? {}).length === 0) exit(failed ? 1 : 0);
  };

  const stopAll = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log(`[${service}] ${reason}: stopping ${Object.keys(cluster.workers ?? {}).length} workers`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    const deadline = setTimeout(() => {
      log(`[${service}] workers did not stop within ${PRIMARY_DEADLINE_MS} ms; killing them`);
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      exit(1);
    }, PRIMARY_DEADLINE_MS);
    deadline.unref();
    finishWhenAllGone();
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) {
      if (code !== 0) failed = true;
      finishWhenAllGone();
      return;
    }
    // A worker that cannot start (bad settings, port taken, database unreachable) would fail again.
    if (lived < START_UP_MS) {
      failed = true;
      stopAll(`worker ${worker.process.pid} exited (${signal ?? code}) while starting`);
      return;
    }
    log(`[${service}] worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    fork();
  });

  // Later signals are ignored, as in a single process: Ctrl+C reaches the workers too, and they stop themselves.
  for (const signal of TERMINATION_SIGNALS) process.on(signal, () => stopAll(`${signal} received`));
  log(`[${service}] starting ${workers} workers`);
  for (let index = 0; index < workers; index += 1) fork();
}
