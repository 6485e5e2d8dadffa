import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { NO_COST_ANNOTATIONS, type CostAnnotations } from './cost-annotations';
import { DEFAULT_LIST_SIZING, type ListSizing } from './limits';
import { limitViolations, measureOperation, type CheckedLimits } from './operation-report';

export interface OperationLimitsPluginOptions {
  /** Limits to enforce; a limit left out is not checked. */
  limits: CheckedLimits;
  annotations?: CostAnnotations;
  sizing?: ListSizing;
  /** Adds `extensions.cost` to every response, refused or not. */
  reportCost?: boolean;
}

/** What `extensions.cost` carries: the calculated cost and the budget it is held against. */
export interface CostExtension {
  /** Null when the request never became an operation (unparsable or invalid). */
  requestedQueryCost: number | null;
  maximumAvailable: number | null;
}

/**
 * Measures each operation once it is parsed, validated and chosen, and refuses it before any
 * resolver runs or, at the gateway, before a query plan is built. A refusal concerns the whole
 * document, so a batch of mutations either runs within the limits or not at all.
 */
export function createOperationLimitsPlugin<TContext extends object>(options: OperationLimitsPluginOptions): ApolloServerPlugin<TContext> {
  const maximumAvailable = options.limits.maxCost ?? null;
  const measuring = { annotations: options.annotations ?? NO_COST_ANNOTATIONS, sizing: options.sizing ?? DEFAULT_LIST_SIZING };
  return {
    async requestDidStart() {
      let requestedQueryCost: number | null = null;
      const refuse = (violations: string[]): GraphQLError => {
        const cost: CostExtension = { requestedQueryCost, maximumAvailable };
        return new GraphQLError(violations.join(' '), { extensions: { code: 'BAD_USER_INPUT', cost, http: { status: 400 } } });
      };
      return {
        async didResolveOperation({ document, operation, schema, request }: GraphQLRequestContext<TContext>) {
          if (!document || !operation) return;
          const report = measureOperation({ schema, document, operation, variables: request.variables, ...measuring });
          requestedQueryCost = reportable(report.cost);
          const violations = limitViolations(report, options.limits, operation);
          if (violations.length > 0) throw refuse(violations);
        },
        async willSendResponse({ response }) {
          if (!options.reportCost || response.body.kind !== 'single') return;
          const cost: CostExtension = { requestedQueryCost, maximumAvailable };
          response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost };
        },
      };
    },
  };
}

/** JSON has no Infinity; a cost past the largest exact integer is reported as that integer. */
function reportable(cost: number): number {
  return Number.isFinite(cost) ? Math.min(cost, Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
}
