import { describe, expect, it } from 'vitest';
import { DEV_SIGNING_SECRET, EnvError, loadSubgraphEnv } from '../src';

describe('subgraph environment', () => {
  it('defaults to embedded Postgres and prefers the per-subgraph database URL', () => {
    expect(loadSubgraphEnv('catalog', 4002, {})).toMatchObject({ port: 4002, databaseUrl: undefined, pgliteDir: '.data/catalog' });
    const env = loadSubgraphEnv('catalog', 4002, {
      DATABASE_URL: 'postgres://shared/db',
      CATALOG_DATABASE_URL: 'postgres://own/catalog',
      PORT: '5002',
    });
    expect(env).toMatchObject({ port: 5002, databaseUrl: 'postgres://own/catalog' });
  });

  it('reports every invalid variable at once', () => {
    expect(() => loadSubgraphEnv('cart', 4003, { PORT: 'abc', DATABASE_URL: 'not a url' })).toThrow(/PORT[\s\S]*DATABASE_URL/);
  });

  it('refuses the public development secret in production', () => {
    expect(() => loadSubgraphEnv('cart', 4003, { NODE_ENV: 'production' })).toThrow(EnvError);
    expect(() => loadSubgraphEnv('cart', 4003, { NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: DEV_SIGNING_SECRET })).toThrow(EnvError);
    expect(loadSubgraphEnv('cart', 4003, { NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: 'x'.repeat(40) }).production).toBe(true);
  });
});
