import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsExposition } from '@omni/observability';
import { createTestDatabase, type TestDatabase } from '@omni/testing';

/** The value of one series in the Prometheus text, or undefined when it is absent. */
function seriesValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('database pool usage in /metrics', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 3, service: 'pool_probe' });
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('reports the pool size and, on a server, connections held inside a transaction', async () => {
    const { client } = database;
    if (client.kind === 'pglite') {
      const text = (await metricsExposition()).body;
      expect(seriesValue(text, 'db_pool_max_connections{service="pool_probe"}')).toBe(1);
      return;
    }
    const { sql } = client;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const transaction = sql.begin(async (tx) => {
      await tx`select 1`;
      opened();
      await held;
    });
    await open;
    const during = (await metricsExposition()).body;
    release();
    await transaction;
    expect(seriesValue(during, 'db_pool_max_connections{service="pool_probe"}')).toBe(3);
    expect(seriesValue(during, 'db_pool_connections{service="pool_probe",state="idle_in_transaction"}')).toBe(1);
    // The scrape itself runs on a second connection of the pool.
    expect(seriesValue(during, 'db_pool_connections{service="pool_probe",state="active"}')).toBe(1);
    const after = (await metricsExposition()).body;
    expect(seriesValue(after, 'db_pool_connections{service="pool_probe",state="idle_in_transaction"}')).toBe(0);
  });
});
