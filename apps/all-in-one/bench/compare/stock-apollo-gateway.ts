import type { IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { CALLER_CONTEXT_HEADER } from '@omni/auth';
import { loadPeerEnv } from './peer-env';

/**
 * Stock Apollo Gateway (the version ours is built on) with Apollo Server's standalone HTTP server,
 * as a team would start it from the docs. The one addition: the caller header the client sent is
 * forwarded to every subgraph fetch, since our subgraphs answer nobody without it. The bench gives
 * each of its callers a pre-signed unbound header (see peer-callers.ts).
 */
interface ForwardingContext {
  callerHeader?: string;
}

class ForwardingDataSource extends RemoteGraphQLDataSource<ForwardingContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<ForwardingContext>): void {
    if ('callerHeader' in context && context.callerHeader) request.http?.headers.set(CALLER_CONTEXT_HEADER, context.callerHeader);
  }
}

const env = loadPeerEnv();
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(env.supergraphFile, 'utf8'),
  buildService: ({ url }) => new ForwardingDataSource({ url }),
});
const server = new ApolloServer<ForwardingContext>({ gateway });
const headerOf = (req: IncomingMessage) => {
  const value = req.headers[CALLER_CONTEXT_HEADER];
  return Array.isArray(value) ? value[0] : value;
};
const { url } = await startStandaloneServer(server, {
  listen: { port: env.port, host: env.host },
  context: async ({ req }) => ({ callerHeader: headerOf(req) }),
});
console.log(`stock Apollo Gateway listening at ${url}`);

const stop = () => void server.stop().finally(() => process.exit(0));
process.once('SIGTERM', stop).once('SIGINT', stop);
