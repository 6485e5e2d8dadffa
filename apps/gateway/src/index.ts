import { readFileSync } from 'node:fs';
import { checkReadiness } from '@omni/graphql';
import { loadGatewayEnv } from './env';
import { createGateway } from './gateway';
import { subgraphReadiness, subgraphsOf } from './readiness';
import { SUPERGRAPH_FILE } from './subgraphs';

/** Runs the gateway alone in front of subgraphs at `<NAME>_URL`, e.g. in docker-compose. */
const env = loadGatewayEnv();
const supergraphSdl = readFileSync(SUPERGRAPH_FILE, 'utf8');
const running = await createGateway({
  supergraphSdl,
  subgraphUrls: env.subgraphUrls,
  tokenSecret: env.tokenSecret,
  signingSecret: env.signingSecret,
  operationLimits: env.operationLimits,
  corsOrigins: env.corsOrigins,
  production: env.production,
}).listen(env.port, env.host);
console.log(`gateway listening at ${running.url}`);
// Once at start, so a subgraph that is down or signs with another secret is named in the log
// right away, not first found by clients; `/ready` runs the same checks on every probe.
const startup = await checkReadiness(subgraphReadiness(subgraphsOf(supergraphSdl, env.subgraphUrls), env.signingSecret), (line) => console.warn(line));
console.log(startup.ready ? 'gateway ready: every subgraph answers' : 'gateway not ready yet: see the lines above; /ready reports when it is');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await running.stop();
    process.exit(0);
  });
}
