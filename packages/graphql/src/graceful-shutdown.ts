/**
 * How a process stops on SIGTERM (docker stop, Kubernetes, systemd) or SIGINT (Ctrl+C): no new
 * connections, requests already running finish, idle keep-alive connections close, background
 * work and database pools stop, and the process exits 0. Docker and Kubernetes wait 10 s by
 * default before they kill, so everything here ends well inside that.
 */

/** In-flight requests may run this long after the stop begins; then their connections are cut. */
export const DRAIN_GRACE_MS = 6_000;

/**
 * The whole stop (draining, background work, pools) must end by then, or the process exits 1:
 * a hung pool must not turn a clean stop into a kill that loses the log line saying why.
 */
export const SHUTDOWN_DEADLINE_MS = 9_000;

export const TERMINATION_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface ShutdownOptions {
  deadlineMs?: number;
  log?: (line: string) => void;
  /** Ends the process; `process.exit` outside tests. */
  exit?: (code: number) => void;
}

/**
 * Runs `stop` once on the first termination signal and exits when it is done. Later signals are
 * ignored rather than fatal: `npm start` forwards Ctrl+C to a process the terminal already
 * signalled, and a second signal must not cut the requests the first one lets finish.
 */
export function stopOnTerminationSignals(stop: () => Promise<void>, options: ShutdownOptions = {}): void {
  const log = options.log ?? ((line: string) => console.log(line));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const deadlineMs = options.deadlineMs ?? SHUTDOWN_DEADLINE_MS;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received: finishing requests in flight, then exiting`);
    const watchdog = setTimeout(() => {
      log(`stop did not finish within ${deadlineMs} ms; exiting anyway`);
      exit(1);
    }, deadlineMs);
    // Only the stop itself should keep the process alive, never the watchdog.
    watchdog.unref();
    stop().then(
      () => {
        clearTimeout(watchdog);
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(watchdog);
        log(`stop failed: ${error instanceof Error ? error.message : String(error)}`);
        exit(1);
      },
    );
  };
  for (const signal of TERMINATION_SIGNALS) process.on(signal, onSignal);
}
