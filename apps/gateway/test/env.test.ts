import { describe, expect, it } from 'vitest';
import { loadGatewayEnv } from '../src/env';

const production = { NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: 'g'.repeat(40), AUTH_TOKEN_SECRET: 'a'.repeat(40) };
const urls = {
  CUSTOMER_URL: 'http://customer:4001/',
  CATALOG_URL: 'http://catalog:4002/',
  CART_URL: 'http://cart:4003/',
  PROMOTIONS_URL: 'http://promotions:4004/',
  SUPPORT_URL: 'http://support:4005/',
};

describe('gateway environment', () => {
  it('uses the local subgraph ports in development', () => {
    expect(loadGatewayEnv({}).subgraphUrls.catalog).toBe('http://localhost:4002/');
  });

  it('refuses to start in production without the URL of every subgraph', () => {
    const { PROMOTIONS_URL: _left, ...fourUrls } = urls;
    expect(() => loadGatewayEnv({ ...production, ...fourUrls })).toThrow(/PROMOTIONS_URL/);
    expect(loadGatewayEnv({ ...production, ...urls }).subgraphUrls).toEqual({
      customer: urls.CUSTOMER_URL,
      catalog: urls.CATALOG_URL,
      cart: urls.CART_URL,
      promotions: urls.PROMOTIONS_URL,
      support: urls.SUPPORT_URL,
    });
  });

  it('shares identical in-flight subgraph fetches and runs one process unless told otherwise', () => {
    expect(loadGatewayEnv({})).toMatchObject({ deduplicateFetches: true, workers: 1 });
    expect(loadGatewayEnv({ GATEWAY_DEDUPLICATE_FETCHES: 'off', WORKERS: '4' })).toMatchObject({ deduplicateFetches: false, workers: 4 });
    expect(() => loadGatewayEnv({ GATEWAY_DEDUPLICATE_FETCHES: 'maybe' })).toThrow(/GATEWAY_DEDUPLICATE_FETCHES/);
    expect(() => loadGatewayEnv({ WORKERS: '-1' })).toThrow(/WORKERS/);
  });
});
