import { readFileSync } from 'node:fs';
import { loadGatewayEnv } from './env';
import { createGateway } from './gateway';
import { SUPERGRAPH_FILE } from './subgraphs';

/** Runs the gateway alone in front of subgraphs at `<NAME>_URL`, e.g. in docker-compose. */
const env = loadGatewayEnv();
const running = await createGateway({
  supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'),
  subgraphUrls: env.subgraphUrls,
  tokenSecret: env.tokenSecret,
  signingSecret: env.signingSecret,
  operationLimits: env.operationLimits,
}).listen(env.port, env.host);
console.log(`gateway ready at ${running.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await running.stop();
    process.exit(0);
  });
}
