import type {
  DocumentNode,
  FieldNode,
  FormattedExecutionResult,
  FragmentDefinitionNode,
  GraphQLError as GraphQLErrorType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  VariableDefinitionNode,
} from 'graphql';
import { graphql } from './graphql-runtime';
import { liveTopics } from './live-topics';

const { getArgumentValues, getOperationAST, getVariableValues, GraphQLError, Kind, print, visit } = graphql;

/** More would make one event re-run a very large query; clients subscribe per screen. */
export const MAX_STOCK_VARIANTS = 20;

/**
 * A subscription, answered by running the matching query through the gateway with the caller's
 * context: `cartUpdated(cartId) { S }` runs `cart(id) { S }`, so the subgraphs authorise it
 * exactly as they authorise the query. Its result is reshaped into the subscription's.
 */
export interface LiveQuery {
  /** The query's text, printed once and run on subscribe and after each relevant event. */
  query: string;
  variables: Record<string, unknown>;
  /** Events on any of these topics make it run again (see live-topics). */
  topics: readonly string[];
  /** The subscription's response key (its alias, or the field name). */
  responseKey: string;
  /** The query's result as the subscription's. */
  shape(result: FormattedExecutionResult): FormattedExecutionResult;
  /** True when the subscription's field came back null: nothing to follow, the subscription ends. */
  ended(result: FormattedExecutionResult): boolean;
}

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/** The one root field of a subscription, looking through fragments (validation allows exactly one). */
function rootFieldOf(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): FieldNode | null {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) return selection;
    const nested = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments.get(selection.name.value)?.selectionSet;
    const field = nested ? rootFieldOf(nested, fragments) : null;
    if (field) return field;
  }
  return null;
}

function field(name: string, alias: string | undefined, args: Record<string, FieldNode['arguments']>[string] | FieldNode['arguments'], selectionSet: SelectionSetNode): FieldNode {
  return {
    kind: Kind.FIELD,
    name: { kind: Kind.NAME, value: name },
    ...(alias ? { alias: { kind: Kind.NAME, value: alias } } : {}),
    arguments: args as FieldNode['arguments'],
    selectionSet,
  };
}

const argument = (name: string, variable: string) => ({
  kind: Kind.ARGUMENT,
  name: { kind: Kind.NAME, value: name },
  value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: variable } },
}) as const;

const variableDefinition = (name: string, type: string): VariableDefinitionNode => ({
  kind: Kind.VARIABLE_DEFINITION,
  variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } },
  type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: type } } },
});

/**
 * The query document: the new root selections, the operation's variable definitions still used
 * (plus the new ones) and the fragments they reach. Unused ones would fail validation.
 */
function queryDocument(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  selections: FieldNode[],
  extraVariables: VariableDefinitionNode[],
): DocumentNode {
  const selectionSet: SelectionSetNode = { kind: Kind.SELECTION_SET, selections };
  const usedVariables = new Set<string>();
  const usedFragments = new Set<string>();
  const pending: SelectionSetNode[] = [selectionSet];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      Variable: (node) => void usedVariables.add(node.name.value),
      FragmentSpread: (node) => {
        if (usedFragments.has(node.name.value)) return;
        usedFragments.add(node.name.value);
        const fragment = fragments.get(node.name.value);
        if (fragment) pending.push(fragment.selectionSet);
      },
    });
  }
  const variableDefinitions = [...(operation.variableDefinitions ?? []).filter((definition) => usedVariables.has(definition.variable.name.value)), ...extraVariables];
  return {
    kind: Kind.DOCUMENT,
    definitions: [
      { kind: Kind.OPERATION_DEFINITION, operation: 'query' as OperationDefinitionNode['operation'], name: { kind: Kind.NAME, value: 'Live' }, variableDefinitions, selectionSet } as OperationDefinitionNode,
      ...[...usedFragments].flatMap((name) => (fragments.has(name) ? [fragments.get(name)!] : [])),
    ],
  };
}

/** A variable name the client's operation does not use. */
function freshName(operation: OperationDefinitionNode, base: string): string {
  const taken = new Set((operation.variableDefinitions ?? []).map((definition) => definition.variable.name.value));
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}${i}`;
  return name;
}

function notFound(responseKey: string, what: string): FormattedExecutionResult {
  return { data: null, errors: [{ message: `No ${what} with this id, or not one you may see`, path: [responseKey], extensions: { code: 'NOT_FOUND' } }] };
}

/**
 * Turns a validated subscription into the query that answers it. Returns errors for arguments
 * the query could not take (too many variants) rather than letting a subgraph refuse them.
 */
export function liveQueryOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, rawVariables: Record<string, unknown> | null | undefined): LiveQuery | readonly GraphQLErrorType[] {
  const operation = getOperationAST(document, operationName);
  if (!operation) return [badInput(operationName ? `No operation named ${operationName} in the document` : 'The document must contain exactly one operation, or name the one to run')];
  if (operation.operation !== 'subscription') {
    return [badInput('Only subscriptions are served here; send queries and mutations over HTTP POST')];
  }
  const fragments = new Map(document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])));
  const root = rootFieldOf(operation.selectionSet, fragments);
  const subscriptionType = schema.getSubscriptionType();
  const fieldDefinition = root && subscriptionType?.getFields()[root.name.value];
  if (!root || !fieldDefinition || !root.selectionSet) return [badInput('The subscription must select one field of Subscription, with a selection of its fields')];
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (coerced.errors) return coerced.errors.map((error) => badInput(error.message));
  const args = getArgumentValues(fieldDefinition, root, coerced.coerced);
  const responseKey = root.alias?.value ?? root.name.value;
  const variables = { ...(rawVariables ?? {}) };

  const followOne = (queryField: string, what: string, id: string, topics: string[]): LiveQuery => {
    const idVariable = freshName(operation, 'liveId');
    variables[idVariable] = id;
    const query = queryDocument(operation, fragments, [field(queryField, responseKey, [argument('id', idVariable)], root.selectionSet!)], [variableDefinition(idVariable, 'ID')]);
    const ended = (result: FormattedExecutionResult) => (result.data?.[responseKey] ?? null) === null;
    return {
      query: print(query),
      variables,
      topics,
      responseKey,
      ended,
      // The field is non-null: without a value the whole result is null, as the query's error says why.
      shape: (result) => (!ended(result) ? result : result.errors?.length ? { data: null, errors: result.errors } : notFound(responseKey, what)),
    };
  };

  switch (root.name.value) {
    case 'cartUpdated': {
      const cartId = String(args.cartId);
      return followOne('cart', 'cart', cartId, [liveTopics.cart(cartId)]);
    }
    case 'conversationUpdated': {
      const conversationId = String(args.conversationId);
      return followOne('conversation', 'conversation', conversationId, [liveTopics.conversation(conversationId)]);
    }
    case 'stockChanged': {
      const variantIds = [...new Set((args.variantIds as string[]).map(String))];
      const locationId = String(args.locationId);
      if (variantIds.length === 0 || variantIds.length > MAX_STOCK_VARIANTS) {
        return [badInput(`stockChanged follows 1 to ${MAX_STOCK_VARIANTS} variants; split larger lists over several subscriptions`)];
      }
      const locationVariable = freshName(operation, 'liveLocationId');
      variables[locationVariable] = locationId;
      const aliasOf = (index: number) => `${responseKey}_${index}`;
      const selections = variantIds.map((variantId, index) => {
        const idVariable = freshName(operation, `liveVariantId${index}`);
        variables[idVariable] = variantId;
        const availability = field('availability', undefined, [argument('locationId', locationVariable)], root.selectionSet!);
        return field('variant', aliasOf(index), [argument('id', idVariable)], { kind: Kind.SELECTION_SET, selections: [availability] });
      });
      const extra = [variableDefinition(locationVariable, 'ID'), ...variantIds.map((_, index) => variableDefinition(freshName(operation, `liveVariantId${index}`), 'ID'))];
      const query = queryDocument(operation, fragments, selections, extra);
      const aliasIndex = new Map(variantIds.map((_, index) => [aliasOf(index), index]));
      return {
        query: print(query),
        variables,
        topics: variantIds.map((variantId) => liveTopics.stock(variantId, locationId)),
        responseKey,
        ended: () => false,
        shape(result) {
          // The per-variant aliases become one list, and error paths point into it.
          const levels = variantIds.map((_, index) => {
            const variant = result.data?.[aliasOf(index)] as { availability?: unknown } | null | undefined;
            return variant?.availability ?? null;
          });
          const errors = result.errors?.map((error) => {
            const [first, , ...rest] = error.path ?? [];
            const index = typeof first === 'string' ? aliasIndex.get(first) : undefined;
            return index === undefined ? error : { ...error, path: [responseKey, index, ...rest] };
          });
          return { ...(errors?.length ? { errors } : {}), data: result.data === null && errors?.length ? null : { [responseKey]: levels } };
        },
      };
    }
    default:
      return [badInput(`Subscription.${root.name.value} is not served`)];
  }
}
