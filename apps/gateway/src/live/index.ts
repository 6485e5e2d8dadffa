import type { IncomingMessage, Server } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type { RequestHandler } from 'express';
import type { FormattedExecutionResult, GraphQLSchema } from 'graphql';
import type { Caller } from '@omni/auth';
import type { LiveFeed } from '@omni/events';
import type { CheckedLimits } from '@omni/graphql';
import type { GatewayContext } from '../gateway-context';
import { operationId, type PersistedOperations } from '../persisted-operations/manifest';
import { clientKindOf, type ClientKind } from '../rate-limits/client-kinds';
import { gatewayWithSubscriptions } from './live-schema';
import { createLiveSubscriptions, type LiveSubscriptions } from './live-subscriptions';
import { attachWebSocketSubscriptions, sseSubscriptions } from './live-transports';

export { SUBSCRIPTIONS_SDL, withSubscriptions } from './live-schema';
export { SSE_PATH, WEBSOCKET_PATHS } from './live-transports';

export interface LiveUpdatesOptions {
  /** Committed domain events; without one the Subscription type is still described, but refused. */
  feed?: LiveFeed;
  callerOf: (req: IncomingMessage) => Promise<Caller>;
  maxTokens: number;
  limits: CheckedLimits;
  maxPayload: number;
  maxSubscriptionsPerConnection?: number;
  /** Client kinds limited to registered operations (persisted operations), here as over HTTP. */
  safelist?: { operations: PersistedOperations; safelistedKinds: ReadonlySet<ClientKind> };
}

const NO_FEED_MESSAGE = 'Live updates are off: this gateway was started without a live feed of domain events';

/**
 * The gateway's Subscription API: the schema extension, the two transports and the subscriptions
 * they share. A subscription is answered by running the matching query through the gateway
 * itself (`run`), so limits, rate limits and the subgraphs' authorisation apply to it unchanged.
 */
export function createLiveUpdates(options: LiveUpdatesOptions) {
  let schema: GraphQLSchema | null = null;
  let apollo: ApolloServer<GatewayContext> | null = null;
  let webSockets: { close(): Promise<void> } | null = null;
  const live: LiveSubscriptions | null = options.feed
    ? createLiveSubscriptions({
        feed: options.feed,
        async run(query, variables, contextValue): Promise<FormattedExecutionResult> {
          if (!apollo) throw new Error('Live query before the gateway started');
          const response = await apollo.executeOperation({ query, variables }, { contextValue });
          if (response.body.kind !== 'single') throw new Error('Live queries return single results');
          return response.body.singleResult;
        },
      })
    : null;
  const transportOptions = {
    live: live!,
    schema: () => (live ? schema : null),
    unavailableMessage: live ? undefined : NO_FEED_MESSAGE,
    callerOf: options.callerOf,
    maxTokens: options.maxTokens,
    limits: options.limits,
    maxPayload: options.maxPayload,
    maxSubscriptionsPerConnection: options.maxSubscriptionsPerConnection,
    mayRun: (caller: Caller, query: string) => {
      const safelist = options.safelist;
      return !safelist || !safelist.safelistedKinds.has(clientKindOf(caller)) || safelist.operations.has(operationId(query));
    },
  };
  return {
    /** The supergraph gateway with the subscriptions in its API schema. */
    gateway: (inner: GatewayInterface): GatewayInterface => gatewayWithSubscriptions(inner, (extended) => (schema = extended)),
    /** The server that runs the queries answering subscriptions. */
    runThrough(server: ApolloServer<GatewayContext>) {
      apollo = server;
    },
    /** GraphQL over SSE at `/graphql/stream`, among the HTTP guards. */
    sse: sseSubscriptions(transportOptions) as RequestHandler,
    /** graphql-ws on the listening server. */
    attach(httpServer: Server) {
      webSockets = attachWebSocketSubscriptions(httpServer, transportOptions);
    },
    /** Subscriptions open right now, on both transports. */
    openSubscriptions: () => live?.size() ?? 0,
    /** Ends every subscription, so streams and sockets do not hold the server open. */
    async close() {
      live?.close();
      await webSockets?.close();
    },
  };
}
