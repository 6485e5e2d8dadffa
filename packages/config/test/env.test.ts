import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { assertProductionSecrets, DEV_SIGNING_SECRET, EnvError, loadObservabilityEnv, loadSiblingUrls, loadSubgraphEnv } from '../src';

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
    expect(loadSubgraphEnv('cart', 4003, { NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: 'x'.repeat(40), DATABASE_URL: 'postgres://db/omnigraph' }).production).toBe(true);
  });
});

describe('workers', () => {
  it('runs one process unless WORKERS says otherwise, and `auto` means one per core', () => {
    expect(loadSubgraphEnv('catalog', 4002, {}).workers).toBe(1);
    expect(loadSubgraphEnv('catalog', 4002, { WORKERS: '', DATABASE_URL: 'postgres://db/omnigraph' }).workers).toBe(1);
    expect(loadSubgraphEnv('catalog', 4002, { WORKERS: '3', DATABASE_URL: 'postgres://db/omnigraph' }).workers).toBe(3);
    expect(loadSubgraphEnv('catalog', 4002, { WORKERS: 'auto', DATABASE_URL: 'postgres://db/omnigraph' }).workers).toBe(availableParallelism());
    expect(() => loadSubgraphEnv('catalog', 4002, { WORKERS: '0', DATABASE_URL: 'postgres://db/omnigraph' })).toThrow(/WORKERS/);
    expect(() => loadSubgraphEnv('catalog', 4002, { WORKERS: 'many', DATABASE_URL: 'postgres://db/omnigraph' })).toThrow(/WORKERS/);
  });

  it('refuses several workers on embedded PGlite, which one process owns', () => {
    expect(() => loadSubgraphEnv('catalog', 4002, { WORKERS: '2' })).toThrow(/WORKERS=2 needs a Postgres server/);
    expect(loadSubgraphEnv('catalog', 4002, { WORKERS: '2', CATALOG_DATABASE_URL: 'postgres://own/catalog' }).workers).toBe(2);
  });
});

describe('sibling URLs', () => {
  const local = { catalog: 'http://127.0.0.1:4002/', customer: 'http://127.0.0.1:4001/' };

  it('falls back to the local defaults outside production only', () => {
    expect(loadSiblingUrls({ CATALOG_URL: 'http://catalog:4002/' }, false, local)).toEqual({ catalog: 'http://catalog:4002/', customer: 'http://127.0.0.1:4001/' });
    expect(() => loadSiblingUrls({ CATALOG_URL: 'http://catalog:4002/' }, true, local)).toThrow(/CUSTOMER_URL/);
    expect(loadSiblingUrls({ CATALOG_URL: 'http://catalog:4002/', CUSTOMER_URL: 'http://customer:4001/' }, true, local)).toEqual({
      catalog: 'http://catalog:4002/',
      customer: 'http://customer:4001/',
    });
  });

  it('names every missing or malformed URL at once', () => {
    expect(() => loadSiblingUrls({ CATALOG_URL: 'catalog' }, true, local)).toThrow(/CATALOG_URL[\s\S]*CUSTOMER_URL/);
  });
});

describe('production guards', () => {
  const production = { NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: 's'.repeat(40) };

  it('runs production on a Postgres server, or on the embedded database only where PGLITE_DIR says', () => {
    expect(() => loadSubgraphEnv('catalog', 4002, production)).toThrow(/DATABASE_URL/);
    expect(loadSubgraphEnv('catalog', 4002, { ...production, CATALOG_DATABASE_URL: 'postgres://db/catalog' }).databaseUrl).toBe('postgres://db/catalog');
    expect(loadSubgraphEnv('catalog', 4002, { ...production, PGLITE_DIR: '/var/lib/catalog' }).pgliteDir).toBe('/var/lib/catalog');
  });

  it('refuses one secret for signing caller headers and access tokens', () => {
    expect(() => assertProductionSecrets({ production: true }, ['a'.repeat(40), 'a'.repeat(40)])).toThrow(/must differ/);
    expect(() => assertProductionSecrets({ production: true }, ['a'.repeat(40), 'b'.repeat(40)])).not.toThrow();
  });
});

describe('logs, metrics and traces', () => {
  it('logs readable lines at info in development and JSON in production, traces nothing by default', () => {
    expect(loadObservabilityEnv({}, 'catalog')).toEqual({ logLevel: 'info', logFormat: 'pretty', metricsToken: undefined, otlpEndpoint: undefined, serviceName: 'catalog' });
    expect(loadObservabilityEnv({ NODE_ENV: 'production' }, 'catalog').logFormat).toBe('json');
    expect(loadObservabilityEnv({ LOG_FORMAT: 'json', LOG_LEVEL: 'debug' }, 'catalog')).toMatchObject({ logFormat: 'json', logLevel: 'debug' });
  });

  it('takes the collector, the service name and the metrics token, and an empty variable as unset', () => {
    expect(
      loadObservabilityEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'catalog-eu', METRICS_TOKEN: 'a'.repeat(16) }, 'catalog'),
    ).toMatchObject({ otlpEndpoint: 'http://collector:4318', serviceName: 'catalog-eu', metricsToken: 'a'.repeat(16) });
    expect(loadObservabilityEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: '', METRICS_TOKEN: '', OTEL_SERVICE_NAME: '' }, 'cart')).toMatchObject({ otlpEndpoint: undefined, metricsToken: undefined, serviceName: 'cart' });
  });

  it('refuses an unknown level, a guessable metrics token and a collector that is not a URL', () => {
    expect(() => loadObservabilityEnv({ LOG_LEVEL: 'verbose' }, 'cart')).toThrow(/LOG_LEVEL/);
    expect(() => loadObservabilityEnv({ METRICS_TOKEN: 'short' }, 'cart')).toThrow(/METRICS_TOKEN/);
    expect(() => loadObservabilityEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318 please' }, 'cart')).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});
