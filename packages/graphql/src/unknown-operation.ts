import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';

function refuse(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/**
 * Operations this API cannot run are the client's mistake, refused once the operation is known and
 * before anything is planned or executed; without this the gateway answers them with a 500 and a
 * subgraph with an INTERNAL_SERVER_ERROR:
 * - a request whose `operationName` names no operation in its document (or that leaves the name
 *   out while sending several);
 * - a subscription: no schema here has a subscription root type, and graphql-js's validation
 *   does not check for one, so it would only fail in the query planner or the executor.
 */
export function unknownOperationPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request, schema }) {
          if (!operation) {
            const name = request.operationName;
            throw refuse(name ? `Unknown operation named "${name.slice(0, 100)}"` : 'Must provide operationName when the document contains several operations');
          }
          if (operation.operation === 'subscription' && !schema.getSubscriptionType()) {
            throw refuse('This API has no subscriptions; send a query or a mutation');
          }
        },
      };
    },
  };
}
