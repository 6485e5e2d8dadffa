import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { currentRequestContext } from './request-context';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'pretty';

export interface LoggingOptions {
  level: LogLevel;
  /** `json`: one object per line (production, log shippers); `pretty`: terse coloured lines for a terminal. */
  format: LogFormat;
}

/**
 * Lines go through one forwarding stream so the process can choose its format once it has read
 * its environment (and tests can collect lines) without recreating the logger every module holds.
 */
let target: DestinationStream = pino.destination({ dest: 1, sync: true });
const forwarding: DestinationStream = { write: (line: string) => target.write(line) };

/**
 * The logger of every service in this process. Before `configureLogging` (a library used by
 * tests, not a process of its own) only warnings and errors are written.
 */
export const logger: Logger = pino(
  {
    level: 'warn',
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Every line written while a request is served names it, wherever in the code it is written.
    mixin() {
      const context = currentRequestContext();
      return context ? { service: context.service, requestId: context.requestId } : {};
    },
    // Errors are logged as their one-line description (see describeErrorChain), never as objects
    // with stacks; this guards the lines where an error object slips through anyway.
    serializers: { err: (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)) },
  },
  forwarding,
);

export function configureLogging(options: LoggingOptions): void {
  target = options.format === 'pretty' ? pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true }) : asynchronousStdout();
  logger.level = options.level;
}

/**
 * Standard output written without blocking: a line goes out at once when nothing is being
 * written, and lines that arrive meanwhile leave together in one write. A synchronous write per
 * line (one access-log line per request) cost the gateway a tenth of its CPU under load. What is
 * still buffered when the process exits is written out synchronously then.
 */
function asynchronousStdout(): DestinationStream {
  if (stdout) return stdout;
  const destination = pino.destination({ dest: 1, sync: false });
  process.once('exit', () => {
    try {
      destination.flushSync();
    } catch {
      // Standard output is gone (closed pipe): nothing left to write to.
    }
  });
  return (stdout = destination);
}
let stdout: DestinationStream | undefined;

export interface CapturedLogs {
  /** Every line written since capturing began, parsed. */
  lines: Record<string, unknown>[];
  restore(): void;
}

/** For tests: collects the lines (JSON) at `level` and above instead of writing them. */
export function captureLogs(level: Level = 'info'): CapturedLogs {
  const previous = { target, level: logger.level };
  const lines: Record<string, unknown>[] = [];
  target = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
  logger.level = level;
  return {
    lines,
    restore() {
      target = previous.target;
      logger.level = previous.level;
    },
  };
}
