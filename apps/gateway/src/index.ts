import { readFileSync } from 'node:fs';
import { checkReadiness, stopOnTerminationSignals } from '@omni/graphql';
import { logger, startObservability } from '@omni/observability';
import { loadGatewayEnv } from './env';
import { createGateway } from './gateway';
import { subgraphReadiness, subgraphsOf } from './readiness';
import { SUPERGRAPH_FILE } from './subgraphs';

/** Runs the gateway alone in front of subgraphs at `<NAME>_URL`, e.g. in docker-compose. */
const env = loadGatewayEnv();
await startObservability(env.observability);
const supergraphSdl = readFileSync(SUPERGRAPH_FILE, 'utf8');
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
}).listen(env.port, env.host);
logger.info({ service: 'gateway', url: running.url }, 'gateway listening');
// Before the startup probe below, so a stop during it is graceful too.
stopOnTerminationSignals(() => running.stop());
// Once at start, so a subgraph that is down or signs with another secret is named in the log
// right away, not first found by clients; `/ready` runs the same checks on every probe.
const startup = await checkReadiness(subgraphReadiness(subgraphsOf(supergraphSdl, env.subgraphUrls), env.signingSecret), (line) => logger.warn({ service: 'gateway' }, line));
logger.info({ service: 'gateway' }, startup.ready ? 'gateway ready: every subgraph answers' : 'gateway not ready yet: see the lines above; /ready reports when it is');
