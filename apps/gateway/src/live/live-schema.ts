import { readFileSync } from 'node:fs';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import type { DefinitionNode, GraphQLSchema, SelectionSetNode, TypeNode } from 'graphql';
import { graphql } from './graphql-runtime';

const { buildSchema, execute, extendSchema, GraphQLError, Kind, lexicographicSortSchema, parse, printSchema } = graphql;

/** The gateway's own part of the API: the `Subscription` type, answered by the live transports. */
export const SUBSCRIPTIONS_SDL = readFileSync(new URL('./subscriptions.graphql', import.meta.url), 'utf8');

/** The composed API schema plus the subscriptions; what clients introspect and build from. */
export function withSubscriptions(apiSchema: GraphQLSchema): GraphQLSchema {
  const extension = parse(SUBSCRIPTIONS_SDL);
  // A supergraph without some of the types (a test's small one) gets the subscriptions it can answer.
  const answerable = (type: TypeNode): boolean => (type.kind === Kind.NAMED_TYPE ? Boolean(apiSchema.getType(type.name.value)) : answerable(type.type));
  const definitions = extension.definitions.flatMap((definition): DefinitionNode[] => {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) return [definition];
    const fields = (definition.fields ?? []).filter((field) => answerable(field.type));
    return fields.length > 0 ? [{ ...definition, fields }] : [];
  });
  if (!definitions.some((definition) => definition.kind === Kind.OBJECT_TYPE_DEFINITION)) return apiSchema;
  return extendSchema(apiSchema, { ...extension, definitions });
}

/** The client schema file: the API schema's SDL with the subscriptions, sorted so its diff shows what changed. */
export function clientSchemaSdlOf(apiSchemaSdl: string): string {
  return printSchema(lexicographicSortSchema(withSubscriptions(buildSchema(apiSchemaSdl))));
}

export const SUBSCRIPTION_OVER_HTTP_MESSAGE =
  'Subscriptions are served over WebSocket (graphql-ws, protocol graphql-transport-ws, at the same address) or Server-Sent Events (POST to /graphql/stream with accept: text/event-stream), not over plain HTTP';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type', '__typename']);

function onlyIntrospects(selectionSet: SelectionSetNode): boolean {
  return selectionSet.selections.every((selection) => selection.kind === 'Field' && INTROSPECTION_FIELDS.has(selection.name.value));
}

/**
 * The supergraph gateway, seen by Apollo Server with the subscriptions added to its API schema:
 * validation and introspection know them, persisted operations may name them. The query planner
 * still plans over the supergraph alone, so the executor answers what it cannot: introspection
 * (from the extended schema, which the planner's own copy lacks) and a subscription sent over
 * HTTP (refused, naming the transports that serve it).
 */
export function gatewayWithSubscriptions(inner: GatewayInterface, onSchema: (schema: GraphQLSchema) => void): GatewayInterface {
  return {
    onSchemaLoadOrUpdate(callback) {
      return inner.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
        const schema = withSubscriptions(apiSchema);
        onSchema(schema);
        callback({ apiSchema: schema, coreSupergraphSdl });
      });
    },
    async load(options) {
      const { executor } = await inner.load(options);
      if (!executor) return { executor };
      const answer: GatewayExecutor = async (requestContext) => {
        const { operation } = requestContext;
        if (operation.operation === 'subscription') {
          return { errors: [new GraphQLError(SUBSCRIPTION_OVER_HTTP_MESSAGE, { extensions: { code: 'BAD_USER_INPUT' } })] };
        }
        if (operation.operation === 'query' && onlyIntrospects(operation.selectionSet)) {
          return execute({
            schema: requestContext.schema,
            document: requestContext.document,
            operationName: requestContext.operationName,
            variableValues: requestContext.request.variables,
            contextValue: requestContext.context,
          }) as Awaited<ReturnType<GatewayExecutor>>;
        }
        return executor(requestContext);
      };
      return { executor: answer };
    },
    stop: () => inner.stop(),
  };
}
