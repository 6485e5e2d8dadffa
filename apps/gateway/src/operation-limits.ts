import type { ApolloServerPlugin } from '@apollo/server';
import { parse, type ParseOptions } from 'graphql';
import {
  costAnnotationsFromSdl,
  createOperationLimitsPlugin,
  DEFAULT_LIST_SIZING,
  DEFAULT_OPERATION_LIMITS,
  documentLimitsGuard,
  type ListSizing,
  type OperationLimits,
  type ThrottleDecision,
} from '@omni/graphql';
import type { GatewayContext } from './gateway-context';

export interface GatewayLimitsOptions {
  limits?: Partial<OperationLimits>;
  sizing?: Partial<ListSizing>;
}

/** Charges an operation that is within the limits to its caller's budget (rate limits). */
export type GatewayThrottle = (cost: number, caller: GatewayContext['caller']) => Promise<ThrottleDecision | undefined>;

/**
 * The gateway's guard against operations that would exhaust the subgraphs: tokens are capped
 * while parsing, aliases, directives and repeated fields are counted before validation (which
 * grows with them), everything else is measured once the operation is validated and refused
 * before a query plan is built. Costs read `@cost` and `@listSize` from the supergraph.
 */
export function gatewayOperationLimits(supergraphSdl: string, options: GatewayLimitsOptions = {}, throttle?: GatewayThrottle): {
  plugin: ApolloServerPlugin<GatewayContext>;
  parseOptions: ParseOptions;
  httpGuard: ReturnType<typeof documentLimitsGuard>;
} {
  const { maxTokens, ...checked } = { ...DEFAULT_OPERATION_LIMITS, ...options.limits };
  return {
    parseOptions: { maxTokens },
    httpGuard: documentLimitsGuard({ limits: checked, maxTokens }),
    plugin: createOperationLimitsPlugin<GatewayContext>({
      limits: checked,
      annotations: costAnnotationsFromSdl(parse(supergraphSdl)),
      sizing: { ...DEFAULT_LIST_SIZING, ...options.sizing },
      reportCost: true,
      ...(throttle ? { throttle: (cost: number, context: GatewayContext) => throttle(cost, context.caller) } : {}),
    }),
  };
}
