import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { printSubgraphSchema } from '@apollo/subgraph';
import { BREAK, execute, GraphQLError, visit, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

export interface CompiledExecutionOptions {
  /** The use of a query at which it is compiled: 2 (the default) runs a query seen once on graphql-js, which costs less than compiling it. */
  compileAtUse?: number;
  /** Compiled operations kept, least recently used dropped first: each holds generated code. */
  maxCompiled?: number;
}

/** Marks a query that is not compiled (a mutation, introspection, or one graphql-jit refuses): graphql-js runs it. */
const NOT_COMPILABLE = Symbol('not compilable');
type Compiled = CompiledQuery | typeof NOT_COMPILABLE;

/**
 * Runs a subgraph's repeated queries as compiled JavaScript (graphql-jit) instead of graphql-js's
 * interpreter, which pays per field for argument coercion, a promise per object with a promise
 * inside and the garbage both leave: most of a storefront listing's CPU in the catalog.
 *
 * Apollo Server executes through a gateway's executor when it has one, so this is that gateway,
 * over the subgraph's own schema: parsing, validation, plugins, error formatting and the HTTP
 * answer stay Apollo Server's. Only queries are compiled (mutations run once each and serially)
 * and not introspection; a query whose variables fail coercion is run again on graphql-js, so
 * its errors are word for word the interpreter's.
 */
export function compiledExecutionGateway(
  schema: GraphQLSchema,
  options: CompiledExecutionOptions = {},
): GatewayInterface & { /** Operations compiled and kept now. */ compiledOperations(): number } {
  const compileAtUse = options.compileAtUse ?? 2;
  const maxCompiled = options.maxCompiled ?? 250;
  // Apollo Server's document store hands the same DocumentNode for the same query text, so the
  // document (with the operation name) identifies an operation; the counts go with the document.
  const uses = new WeakMap<DocumentNode, number>();
  const compiled = new Map<string, Compiled>();
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;

  const compiledFor = (document: DocumentNode, operation: OperationDefinitionNode, operationName: string | undefined): CompiledQuery | undefined => {
    let id = documentIds.get(document);
    if (id === undefined) documentIds.set(document, (id = nextDocumentId++));
    const key = `${id}:${operationName ?? ''}`;
    const known = compiled.get(key);
    if (known !== undefined) {
      // Re-inserting keeps the map in least-recently-used order.
      compiled.delete(key);
      compiled.set(key, known);
      return known === NOT_COMPILABLE ? undefined : known;
    }
    const count = (uses.get(document) ?? 0) + 1;
    uses.set(document, count);
    if (count < compileAtUse) return undefined;
    const entry = compilable(document, operation) ? compile(schema, document, operationName) : NOT_COMPILABLE;
    compiled.set(key, entry);
    if (compiled.size > maxCompiled) compiled.delete(compiled.keys().next().value!);
    return entry === NOT_COMPILABLE ? undefined : entry;
  };

  const executor: GatewayExecutor = async (requestContext) => {
    const { document, operation, operationName, context } = requestContext;
    const variables = requestContext.request.variables;
    const query = operation ? compiledFor(document, operation, operationName ?? undefined) : undefined;
    if (query) {
      const result = await query.query(undefined, context, variables);
      // No data at all: the variables failed before any resolver ran.
      if (result.data !== undefined) return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
    }
    return execute({ schema, document, contextValue: context, variableValues: variables, operationName });
  };

  return {
    async load() {
      return { schema, executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSubgraphSchema(schema) });
      return () => {};
    },
    async stop() {},
    compiledOperations: () => [...compiled.values()].filter((entry) => entry !== NOT_COMPILABLE).length,
  };
}

/**
 * graphql-jit's errors inherit from GraphQLError without running its constructor: no `extensions`
 * object unless the thrown error had one, which Apollo Server's formatting reads unguarded. The
 * same error as graphql-js's executor builds it, with the place graphql-jit found.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const rebuilt = new GraphQLError(error.message, { path: error.path, originalError: error.originalError, extensions: error.extensions });
  (rebuilt as { locations: GraphQLError['locations'] }).locations = error.locations;
  return rebuilt;
}

/** The compiled query, or NOT_COMPILABLE when graphql-jit refuses it or fails on it: graphql-js runs it then. */
function compile(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): Compiled {
  try {
    const result = compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true });
    return isCompiledQuery(result) ? result : NOT_COMPILABLE;
  } catch {
    return NOT_COMPILABLE;
  }
}

/** Queries without introspection's `__schema` / `__type` (in fragments too), which graphql-js answers from the schema itself. */
function compilable(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  if (operation.operation !== 'query') return false;
  let introspects = false;
  visit(document, {
    Field(field) {
      if (field.name.value !== '__schema' && field.name.value !== '__type') return undefined;
      introspects = true;
      return BREAK;
    },
  });
  return !introspects;
}
