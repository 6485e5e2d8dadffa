import { createServer, type RequestListener } from 'node:http';
import { readFileSync } from 'node:fs';
import { CALLER_CONTEXT_HEADER } from '@omni/auth';
import { loadPeerEnv } from './peer-env';

/**
 * The part of `@graphql-hive/gateway` used here. Its own type declarations are kept out of the
 * workspace's type check: through graphql-yoga they redeclare graphql's `GraphQLErrorExtensions`
 * for the whole program, which breaks Apollo Server's typing of the same extension elsewhere.
 */
interface HiveGatewayModule {
  createGatewayRuntime(config: {
    supergraph: string;
    propagateHeaders: { fromClientToSubgraphs(payload: { request: Request }): Record<string, string | null> };
    transportEntries?: Record<string, { options: { deduplicateInflightRequests: boolean } }>;
  }): RequestListener & { dispose(): Promise<void> | void };
}
const HIVE_GATEWAY: string = '@graphql-hive/gateway';

/**
 * Hive Gateway's runtime (what its CLI serves) on Node's HTTP server, with its defaults, or with
 * its deduplication of identical in-flight subgraph fetches off (PEER_DEDUPLICATION=off). The one
 * addition: the caller header the client sent is forwarded to every subgraph fetch.
 */
const env = loadPeerEnv();
const { createGatewayRuntime } = (await import(HIVE_GATEWAY)) as HiveGatewayModule;
const gateway = createGatewayRuntime({
  supergraph: readFileSync(env.supergraphFile, 'utf8'),
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({ [CALLER_CONTEXT_HEADER]: request.headers.get(CALLER_CONTEXT_HEADER) }),
  },
  ...(env.deduplication === 'off' ? { transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } } } : {}),
});
const server = createServer(gateway);
await new Promise<void>((resolve) => server.listen(env.port, env.host, resolve));
console.log(`Hive Gateway (deduplication ${env.deduplication}) listening at http://${env.host}:${env.port}/graphql`);

const stop = () => {
  server.close();
  void Promise.resolve(gateway.dispose()).finally(() => process.exit(0));
};
process.once('SIGTERM', stop).once('SIGINT', stop);
