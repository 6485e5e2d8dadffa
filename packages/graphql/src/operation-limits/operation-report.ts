import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { countDocument, countRootFields, type DocumentCounts } from './operation-counts';
import { operationCost, type OperationCostInput } from './operation-cost';
import { operationDepth } from './operation-depth';
import type { OperationLimits } from './limits';

/** What an operation asks for, measured before it runs. */
export interface OperationReport {
  cost: number;
  depth: number;
  aliases: number;
  directives: number;
  repeatedField: number;
  rootFields: number;
}

/**
 * What depends on the document alone, per operation node: Apollo hands the same parsed document
 * to every request that sends the same text, so a repeated operation is walked for its cost only
 * (which depends on the variables too).
 */
const shapes = new WeakMap<OperationDefinitionNode, Omit<OperationReport, 'cost'>>();

export function measureOperation(input: OperationCostInput): OperationReport {
  const { document, operation } = input;
  let shape = shapes.get(operation);
  if (!shape) {
    shape = { depth: operationDepth(document, operation), ...countDocument(document), rootFields: countRootFields(document, operation) };
    shapes.set(operation, shape);
  }
  return { ...shape, cost: costOf(input) };
}

/** A cost that read no variable, with what it was measured against. */
interface FixedCost {
  schema: OperationCostInput['schema'];
  annotations: OperationCostInput['annotations'];
  sizing: OperationCostInput['sizing'];
  cost: number;
}

const fixedCosts = new WeakMap<OperationDefinitionNode, FixedCost>();

/**
 * Most operations size their lists with literals (`first: 24`) or not at all, and then cost the
 * same on every request: measured once, with the variables watched, and kept when none was read.
 * Page sizes passed as variables and `_entities` representations are read, so those operations
 * are measured on every request.
 */
function costOf(input: OperationCostInput): number {
  const fixed = fixedCosts.get(input.operation);
  if (fixed && fixed.schema === input.schema && fixed.annotations === input.annotations && fixed.sizing === input.sizing) return fixed.cost;
  let readVariable = false;
  // Every way of looking at the variables counts as reading them.
  const variables = new Proxy(input.variables ?? {}, {
    get(target, name) {
      readVariable = true;
      return Reflect.get(target, name);
    },
    has(target, name) {
      readVariable = true;
      return Reflect.has(target, name);
    },
    ownKeys(target) {
      readVariable = true;
      return Reflect.ownKeys(target);
    },
    getOwnPropertyDescriptor(target, name) {
      readVariable = true;
      return Reflect.getOwnPropertyDescriptor(target, name);
    },
  });
  const cost = operationCost({ ...input, variables });
  if (!readVariable) fixedCosts.set(input.operation, { schema: input.schema, annotations: input.annotations, sizing: input.sizing, cost });
  return cost;
}

export type CheckedLimits = Partial<Omit<OperationLimits, 'maxTokens'>>;

const over = (value: number, limit: number | undefined): limit is number => limit !== undefined && value > limit;

/**
 * The limits that need neither the schema nor a chosen operation, checked before graphql-js
 * validates the document: validation itself grows with aliases, directives and repeated fields.
 */
export function documentViolations(document: DocumentNode, limits: CheckedLimits): string[] {
  return countViolations(countDocument(document), limits);
}

function countViolations(counts: DocumentCounts, limits: CheckedLimits): string[] {
  const violations: string[] = [];
  if (over(counts.aliases, limits.maxAliases)) {
    violations.push(`The document has ${counts.aliases} aliases; at most ${limits.maxAliases} are allowed.`);
  }
  if (over(counts.directives, limits.maxDirectives)) {
    violations.push(`The document uses ${counts.directives} directives; at most ${limits.maxDirectives} are allowed.`);
  }
  if (over(counts.repeatedField, limits.maxRepeatedField)) {
    violations.push(`The document repeats one field ${counts.repeatedField} times in one selection; at most ${limits.maxRepeatedField} are allowed.`);
  }
  return violations;
}

/** Why an operation is refused, one sentence per limit it exceeds; empty when it may run. */
export function limitViolations(report: OperationReport, limits: CheckedLimits, operation: Pick<OperationDefinitionNode, 'operation'>): string[] {
  const violations: string[] = [];
  if (over(report.depth, limits.maxDepth)) {
    violations.push(
      Number.isFinite(report.depth)
        ? `The ${operation.operation} nests fields ${report.depth} levels deep; at most ${limits.maxDepth} levels are allowed.`
        : `The ${operation.operation} has no end: a fragment spreads itself.`,
    );
  }
  violations.push(...countViolations(report, limits));
  if (over(report.rootFields, limits.maxRootFields)) {
    violations.push(
      `The ${operation.operation} has ${report.rootFields} root fields; at most ${limits.maxRootFields} are allowed, and none of them ran.`,
    );
  }
  if (over(report.cost, limits.maxCost)) {
    violations.push(
      `The ${operation.operation} would cost ${report.cost}, over the maximum of ${limits.maxCost}: each list multiplies the cost of what is selected in it. Ask for smaller pages (first) or fewer nested lists.`,
    );
  }
  return violations;
}
