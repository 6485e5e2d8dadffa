import { describe, expect, it } from 'vitest';
import { DEFAULT_OPERATION_LIMITS } from '@omni/graphql';
import { loadGatewayEnv } from '../src/env';

describe('operation limits from the environment', () => {
  it('defaults to the documented limits', () => {
    expect(loadGatewayEnv({}).operationLimits).toEqual({ limits: DEFAULT_OPERATION_LIMITS, sizing: { assumedListSize: 10 } });
  });

  it('takes each limit from its variable and refuses nonsense', () => {
    const env = loadGatewayEnv({ OPERATION_MAX_COST: '1000', OPERATION_MAX_DEPTH: '8', OPERATION_ASSUMED_LIST_SIZE: '25' });
    expect(env.operationLimits.limits).toMatchObject({ maxCost: 1000, maxDepth: 8, maxAliases: DEFAULT_OPERATION_LIMITS.maxAliases });
    expect(env.operationLimits.sizing.assumedListSize).toBe(25);
    expect(() => loadGatewayEnv({ OPERATION_MAX_COST: '0' })).toThrow(/OPERATION_MAX_COST/);
    expect(() => loadGatewayEnv({ OPERATION_MAX_TOKENS: 'many' })).toThrow(/OPERATION_MAX_TOKENS/);
  });
});
