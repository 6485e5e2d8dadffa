import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { NO_COST_ANNOTATIONS, type CostAnnotations } from './cost-annotations';
import { DEFAULT_LIST_SIZING, type ListSizing } from './limits';
import { limitViolations, measureOperation, type CheckedLimits } from './operation-report';

export interface OperationLimitsPluginOptions<TContext extends object = object> {
  /** Limits to enforce; a limit left out is not checked. */
  limits: CheckedLimits;
  annotations?: CostAnnotations;
  sizing?: ListSizing;
  /** Adds `extensions.cost` to every response, refused or not. */
  reportCost?: boolean;
  /**
   * Charges an operation found within the limits to its caller's budget (the gateway's rate
   * limits); called once per operation with its calculated cost, before anything is planned.
   * Undefined when this caller is not throttled.
   */
  throttle?: (cost: number, context: TContext) => Promise<ThrottleDecision | undefined>;
}

/** A caller's budget after a charge, as Shopify reports it: points, and points restored per second. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface ThrottleDecision {
  allowed: boolean;
  throttleStatus: ThrottleStatus;
  /** Whole seconds until the bucket holds the cost again; meaningful when refused. */
  retryAfterSeconds: number;
}

/** What `extensions.cost` carries: the calculated cost and the budget it is held against. */
export interface CostExtension {
  /** Null when the request never became an operation (unparsable or invalid). */
  requestedQueryCost: number | null;
  maximumAvailable: number | null;
  /** The caller's rate-limit budget, once the operation was charged to it (or refused by it). */
  throttleStatus?: ThrottleStatus;
}

/**
 * Measures each operation once it is parsed, validated and chosen, and refuses it before any
 * resolver runs or, at the gateway, before a query plan is built. A refusal concerns the whole
 * document, so a batch of mutations either runs within the limits or not at all.
 */
export function createOperationLimitsPlugin<TContext extends object>(options: OperationLimitsPluginOptions<TContext>): ApolloServerPlugin<TContext> {
  const maximumAvailable = options.limits.maxCost ?? null;
  const measuring = { annotations: options.annotations ?? NO_COST_ANNOTATIONS, sizing: options.sizing ?? DEFAULT_LIST_SIZING };
  return {
    async requestDidStart() {
      let requestedQueryCost: number | null = null;
      let throttleStatus: ThrottleStatus | undefined;
      const costExtension = (): CostExtension => ({ requestedQueryCost, maximumAvailable, ...(throttleStatus ? { throttleStatus } : {}) });
      const refuse = (violations: string[]): GraphQLError =>
        new GraphQLError(violations.join(' '), { extensions: { code: 'BAD_USER_INPUT', cost: costExtension(), http: { status: 400 } } });
      return {
        async didResolveOperation({ document, operation, schema, request, contextValue }: GraphQLRequestContext<TContext>) {
          if (!document || !operation) return;
          const report = measureOperation({ schema, document, operation, variables: request.variables, ...measuring });
          requestedQueryCost = reportable(report.cost);
          const violations = limitViolations(report, options.limits, operation);
          if (violations.length > 0) throw refuse(violations);
          if (!options.throttle) return;
          const decision = await options.throttle(requestedQueryCost, contextValue);
          if (!decision) return;
          throttleStatus = decision.throttleStatus;
          if (decision.allowed) return;
          if (requestedQueryCost > decision.throttleStatus.maximumAvailable) {
            // Waiting would not help: the whole budget is smaller than this one operation.
            throw refuse([
              `The ${operation.operation} would cost ${requestedQueryCost}, more than this client's whole budget of ${decision.throttleStatus.maximumAvailable}. Ask for smaller pages (first) or fewer nested lists.`,
            ]);
          }
          throw new GraphQLError(
            `Throttled: the ${operation.operation} costs ${requestedQueryCost} and this client has ${Math.floor(decision.throttleStatus.currentlyAvailable)} of ${decision.throttleStatus.maximumAvailable} available, restoring ${decision.throttleStatus.restoreRate} a second. Retry after ${decision.retryAfterSeconds} s.`,
            {
              extensions: {
                code: 'RATE_LIMITED',
                cost: costExtension(),
                http: { status: 429, headers: new HeaderMap([['retry-after', String(decision.retryAfterSeconds)]]) },
              },
            },
          );
        },
        async willSendResponse({ response }) {
          if (!options.reportCost || response.body.kind !== 'single') return;
          response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost: costExtension() };
        },
      };
    },
  };
}

/** JSON has no Infinity; a cost past the largest exact integer is reported as that integer. */
function reportable(cost: number): number {
  return Number.isFinite(cost) ? Math.min(cost, Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
}
