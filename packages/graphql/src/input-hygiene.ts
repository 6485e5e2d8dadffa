import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLScalarType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type TypeNode,
  type ValueNode,
} from 'graphql';
import { commonResolvers } from './scalars';

/**
 * Input rules that hold for every argument of every operation, checked once at the edge before
 * any resolver runs (and again in each subgraph, which must not trust its callers blindly):
 *
 * - No string may contain a NUL character: Postgres `text` cannot store one, so it would only
 *   surface as a database error deep inside a mutation.
 * - Every string must be well-formed UTF-16: a lone surrogate has no UTF-8 form, and drivers
 *   would quietly store U+FFFD instead, so two different keys or names could become one.
 * - Values of our custom scalars must parse. The gateway's schema is built from the supergraph
 *   and knows `Decimal` and `DateTime` only by name, so without this it would forward anything.
 */

type ScalarParser = Pick<GraphQLScalarType, 'parseValue' | 'parseLiteral'>;

const DEFAULT_SCALARS: Record<string, ScalarParser> = commonResolvers;

export interface InputProblem {
  /** Where the value sits, e.g. `$input.lines.0.variantId` or `products(filter.priceRange.min)`. */
  where: string;
  message: string;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be taken as text, or null when it can. */
export function textProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain a NUL character';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode text';
  return null;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : 'is not valid';
}

/**
 * Type tests by string tag: Apollo's packages build schemas with the CommonJS copy of graphql-js
 * while ESM code may get the `.mjs` copy, whose own `isListType` and friends refuse the other's
 * objects. The input type of a place is followed as a list of wrappers plus a named type.
 */
const tagOf = (value: unknown): string => Object.prototype.toString.call(value).slice(8, -1);

type Wrapper = 'list' | 'non-null';
interface InputType {
  wrappers: Wrapper[];
  named: GraphQLNamedType | undefined;
}

function fromTypeObject(type: unknown): InputType {
  const wrappers: Wrapper[] = [];
  let current = type as { ofType?: unknown } | undefined;
  for (;;) {
    const tag = tagOf(current);
    if (tag === 'GraphQLNonNull') wrappers.push('non-null');
    else if (tag === 'GraphQLList') wrappers.push('list');
    else break;
    current = current!.ofType as { ofType?: unknown };
  }
  return { wrappers, named: current as GraphQLNamedType | undefined };
}

function fromTypeNode(schema: GraphQLSchema, node: TypeNode): InputType {
  const wrappers: Wrapper[] = [];
  let current = node;
  while (current.kind !== Kind.NAMED_TYPE) {
    wrappers.push(current.kind === Kind.LIST_TYPE ? 'list' : 'non-null');
    current = current.type;
  }
  return { wrappers, named: schema.getType(current.name.value) ?? undefined };
}

/** The type of one item of a list, or the type itself when a single value stands for a list. */
function itemOf(type: InputType): InputType {
  const wrappers = type.wrappers[0] === 'non-null' ? type.wrappers.slice(1) : type.wrappers;
  return { wrappers: wrappers[0] === 'list' ? wrappers.slice(1) : wrappers, named: type.named };
}

const isListAt = (type: InputType) => (type.wrappers[0] === 'non-null' ? type.wrappers[1] : type.wrappers[0]) === 'list';

function inputFieldsOf(named: GraphQLNamedType | undefined): Record<string, GraphQLInputField> | null {
  return tagOf(named) === 'GraphQLInputObjectType' ? (named as unknown as { getFields(): Record<string, GraphQLInputField> }).getFields() : null;
}

function scalarParser(named: GraphQLNamedType | undefined, scalars: Record<string, ScalarParser>): ScalarParser | undefined {
  return named && tagOf(named) === 'GraphQLScalarType' ? scalars[named.name] : undefined;
}

/** Problems with one variable's JSON value, walked along its declared input type. */
function checkValue(value: unknown, type: InputType, where: string, scalars: Record<string, ScalarParser>, problems: InputProblem[]): void {
  if (problems.length > 0 || value === null || value === undefined) return;
  if (isListAt(type)) {
    // A single value where a list is expected is coerced to a one-item list.
    if (Array.isArray(value)) value.forEach((item, index) => checkValue(item, itemOf(type), `${where}.${index}`, scalars, problems));
    else checkValue(value, itemOf(type), where, scalars, problems);
    return;
  }
  const fields = inputFieldsOf(type.named);
  if (fields) {
    if (typeof value !== 'object' || Array.isArray(value)) return;
    for (const [name, fieldValue] of Object.entries(value)) {
      const field = fields[name];
      if (field) checkValue(fieldValue, fromTypeObject(field.type), `${where}.${name}`, scalars, problems);
    }
    return;
  }
  const scalar = scalarParser(type.named, scalars);
  if (!scalar) return;
  try {
    scalar.parseValue(value);
  } catch (error) {
    problems.push({ where, message: describeError(error) });
  }
}

/** Strings anywhere in a JSON value, including object keys a typed walk would skip. */
function findBadText(value: unknown, where: string): InputProblem | null {
  if (typeof value === 'string') {
    const message = textProblem(value);
    return message ? { where, message } : null;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findBadText(value[index], `${where}.${index}`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const message = textProblem(key);
      if (message) return { where, message: `has a field name that ${message}` };
      const found = findBadText(item, `${where}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

/** Problems with the variables of one operation. */
export function checkVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  scalars: Record<string, ScalarParser> = DEFAULT_SCALARS,
): InputProblem[] {
  const problems: InputProblem[] = [];
  if (!variables) return problems;
  const bad = findBadText(variables, '$');
  if (bad) return [{ where: bad.where.replace('$.', '$'), message: bad.message }];
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (name in variables) checkValue(variables[name], fromTypeNode(schema, definition.type), `$${name}`, scalars, problems);
  }
  return problems;
}

/** Problems with one literal argument value (variables inside it are checked with the variables). */
function checkLiteral(node: ValueNode, type: InputType | null, where: string, scalars: Record<string, ScalarParser>, problems: InputProblem[]): void {
  switch (node.kind) {
    case Kind.VARIABLE:
    case Kind.NULL:
      return;
    case Kind.LIST:
      for (const item of node.values) checkLiteral(item, type && itemOf(type), where, scalars, problems);
      return;
    case Kind.OBJECT: {
      const fields = type && isListAt(type) ? inputFieldsOf(itemOf(type).named) : inputFieldsOf(type?.named);
      for (const field of node.fields) {
        const declared = fields?.[field.name.value];
        checkLiteral(field.value, declared ? fromTypeObject(declared.type) : null, `${where}.${field.name.value}`, scalars, problems);
      }
      return;
    }
    default: {
      const message = node.kind === Kind.STRING ? textProblem(node.value) : null;
      if (message) {
        problems.push({ where, message });
        return;
      }
      const scalar = type && scalarParser((isListAt(type) ? itemOf(type) : type).named, scalars);
      if (!scalar) return;
      try {
        scalar.parseLiteral(node, undefined);
      } catch (error) {
        problems.push({ where, message: describeError(error) });
      }
    }
  }
}

type FieldsOwner = { getFields(): Record<string, { args: readonly { name: string; type: unknown }[]; type: unknown }> };

function fieldsOf(type: GraphQLNamedType | undefined | null) {
  const tag = tagOf(type);
  return tag === 'GraphQLObjectType' || tag === 'GraphQLInterfaceType' ? (type as unknown as FieldsOwner).getFields() : {};
}

/** Problems with the literals written into the document itself (strings and custom scalars). */
export function checkLiterals(schema: GraphQLSchema, document: DocumentNode, scalars: Record<string, ScalarParser> = DEFAULT_SCALARS): InputProblem[] {
  const problems: InputProblem[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const visited = new Set<string>();

  const walk = (selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined | null) => {
    for (const selection of selectionSet.selections) {
      if (problems.length > 0) return;
      if (selection.kind === Kind.FIELD) {
        const field = fieldsOf(parent)[selection.name.value];
        for (const argument of selection.arguments ?? []) {
          const declared = field?.args.find((arg) => arg.name === argument.name.value);
          checkLiteral(argument.value, declared ? fromTypeObject(declared.type) : null, `${selection.name.value}(${argument.name.value})`, scalars, problems);
        }
        if (selection.selectionSet) walk(selection.selectionSet, field ? fromTypeObject(field.type).named : undefined);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || visited.has(fragment.name.value)) continue;
        visited.add(fragment.name.value);
        walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
      }
    }
  };

  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      if (variable.defaultValue) checkLiteral(variable.defaultValue, fromTypeNode(schema, variable.type), `$${variable.variable.name.value}`, scalars, problems);
    }
    const root = definition.operation === 'query' ? schema.getQueryType() : definition.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    walk(definition.selectionSet, root);
  }
  return problems;
}

function refuse(problem: InputProblem): GraphQLError {
  return new GraphQLError(`${problem.where} ${problem.message}`, {
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
  });
}

/**
 * The Apollo Server plugin for the gateway and every subgraph. It runs once the operation is
 * known and before execution, so a refused request never reaches a resolver or the database.
 */
export function inputHygienePlugin(scalars: Record<string, ScalarParser> = DEFAULT_SCALARS): ApolloServerPlugin {
  // The literals are the document's own: Apollo hands the same parsed document to every request
  // that sends the same text, so each is checked once per schema.
  const literalProblems = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, InputProblem[]>>();
  const checkLiteralsOnce = (schema: GraphQLSchema, document: DocumentNode): InputProblem[] => {
    let bySchema = literalProblems.get(schema);
    if (!bySchema) {
      bySchema = new WeakMap();
      literalProblems.set(schema, bySchema);
    }
    let problems = bySchema.get(document);
    if (!problems) {
      problems = checkLiterals(schema, document, scalars);
      bySchema.set(document, problems);
    }
    return problems;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          const problems = [
            ...checkLiteralsOnce(schema, document),
            ...(operation ? checkVariables(schema, operation, request.variables as Record<string, unknown> | undefined, scalars) : []),
          ];
          if (problems.length > 0) throw refuse(problems[0]!);
        },
      };
    },
  };
}
