import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { createLiveFeed } from '@omni/events';
import { checkReadiness, runInWorkers, stopOnTerminationSignals } from '@omni/graphql';
import { logger, startObservability } from '@omni/observability';
import { loadGatewayEnv } from './env';
import { createGateway } from './gateway';
import { subgraphReadiness, subgraphsOf } from './readiness';
import { SUPERGRAPH_FILE } from './subgraphs';

/** Runs the gateway alone in front of subgraphs at `<NAME>_URL`, e.g. in docker-compose. */
const env = loadGatewayEnv();
// Budgets kept in memory are per process: N workers would grant N times the budget.
if (cluster.isPrimary && env.workers > 1 && env.rateLimits && !env.rateLimits.redisUrl) {
  logger.warn({ service: 'gateway' }, `WORKERS=${env.workers} without REDIS_URL: each worker keeps its own rate-limit budgets; set REDIS_URL to share them`);
}
// The primary's own lines (workers started, replaced, stopped) are plain, as the stop's are.
await runInWorkers({ service: 'gateway', workers: env.workers }, serveGateway);

/** One gateway process: alone, or one of WORKERS behind the same port. */
async function serveGateway(): Promise<void> {
  await startObservability(env.observability);
  const supergraphSdl = readFileSync(SUPERGRAPH_FILE, 'utf8');
  // Committed events from the subgraphs' relays, for live updates; alone, this process hears none without a bus.
  const liveFeed = env.eventBus.url ? await createLiveFeed({ ...env.eventBus, name: 'gateway' }) : undefined;
  const running = await createGateway({
    supergraphSdl,
    subgraphUrls: env.subgraphUrls,
    tokenSecret: env.tokenSecret,
    signingSecret: env.signingSecret,
    operationLimits: env.operationLimits,
    corsOrigins: env.corsOrigins,
    production: env.production,
    rateLimits: env.rateLimits,
    trustedProxyHops: env.trustedProxyHops,
    persistedOperations: env.persistedOperations,
    deduplicateFetches: env.deduplicateFetches,
    liveFeed,
    // Cached catalog responses stay fresh only while the catalog's events arrive.
    ...(liveFeed && env.responseCache ? { responseCache: env.responseCache } : {}),
  }).listen(env.port, env.host);
  logger.info({ service: 'gateway', url: running.url }, 'gateway listening');
  if (env.responseCache && !liveFeed) logger.info({ service: 'gateway' }, 'response cache off: without EVENT_BUS_URL this gateway hears no catalog changes');
  // Before the startup probe below, so a stop during it is graceful too.
  stopOnTerminationSignals(async () => {
    await running.stop();
    await liveFeed?.close();
  });
  // Once at start, so a subgraph that is down or signs with another secret is named in the log
  // right away, not first found by clients; `/ready` runs the same checks on every probe.
  const startup = await checkReadiness(subgraphReadiness(subgraphsOf(supergraphSdl, env.subgraphUrls), env.signingSecret), (line) => logger.warn({ service: 'gateway' }, line));
  logger.info({ service: 'gateway' }, startup.ready ? 'gateway ready: every subgraph answers' : 'gateway not ready yet: see the lines above; /ready reports when it is');
}
