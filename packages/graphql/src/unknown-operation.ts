import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * A request whose `operationName` names no operation in its document (or that leaves the name out
 * while sending several) is the client's mistake. Without this the gateway answers it with a 500.
 */
export function unknownOperationPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (operation) return;
          const name = request.operationName;
          const message = name
            ? `Unknown operation named "${name.slice(0, 100)}"`
            : 'Must provide operationName when the document contains several operations';
          throw new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
        },
      };
    },
  };
}
