import type { RequestHandler } from 'express';
import { describeErrorChain } from './error-log-line';

/**
 * What a process depends on to serve requests, by name (`database`, `cart` …). A check resolves
 * when the dependency answers and throws (or times out) when it does not.
 */
export type ReadinessChecks = Record<string, () => Promise<void>>;

/** A dependency slower than this counts as down: a load balancer must not wait on a hung probe. */
export const READINESS_TIMEOUT_MS = 2_000;

export interface ReadinessReport {
  ready: boolean;
  /** `ok` or `unavailable` per dependency; why it is unavailable goes to the log only. */
  checks: Record<string, 'ok' | 'unavailable'>;
}

function withTimeout(check: () => Promise<void>, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    check().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Runs every check at once; the reasons of failures go to `log`, never into the report. */
export async function checkReadiness(checks: ReadinessChecks, log: (line: string) => void, timeoutMs = READINESS_TIMEOUT_MS): Promise<ReadinessReport> {
  const names = Object.keys(checks);
  const outcomes = await Promise.allSettled(names.map((name) => withTimeout(checks[name]!, timeoutMs)));
  const report: ReadinessReport = { ready: true, checks: {} };
  outcomes.forEach((outcome, index) => {
    const name = names[index]!;
    if (outcome.status === 'fulfilled') {
      report.checks[name] = 'ok';
      return;
    }
    report.ready = false;
    report.checks[name] = 'unavailable';
    log(`not ready: ${name} unavailable: ${describeErrorChain(outcome.reason)}`);
  });
  return report;
}

/**
 * `GET /health`: the process is up and serving HTTP (liveness; restart when it fails).
 * `GET /ready`: every dependency answers (readiness; send traffic only when it passes), 503 with
 * the names of the ones that do not. Both are plain JSON, never cached, and run before any
 * GraphQL handling, so they answer even when GraphQL requests are refused.
 */
export function healthEndpoints(checks: ReadinessChecks, log: (line: string) => void): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === '/health') {
      res.status(200).set('cache-control', 'no-store').json({ status: 'ok' });
      return;
    }
    if (req.path !== '/ready') return next();
    checkReadiness(checks, log).then(
      (report) => {
        res
          .status(report.ready ? 200 : 503)
          .set('cache-control', 'no-store')
          .json({ status: report.ready ? 'ready' : 'unavailable', checks: report.checks });
      },
      next,
    );
  };
}
