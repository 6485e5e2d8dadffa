import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { openPglite, openPostgres } from '@omni/db';
import { openCatalogDatabase } from './db/database';
import { loadCatalogEnv } from './env';
import { generateLargeCatalog } from './large-catalog';
import { seedCatalogDemoData } from './seed';

/**
 * npm run generate:catalog -w @omni/subgraph-catalog -- --variants 100000 --locations 20
 * Fills the catalog database the subgraph would use (CATALOG_DATABASE_URL, DATABASE_URL or the
 * PGlite folder) with the demo catalog plus a large generated one, for benchmarks.
 */
const { values } = parseArgs({
  options: {
    variants: { type: 'string', default: '100000' },
    locations: { type: 'string', default: '20' },
  },
});
const variants = Number(values.variants);
const locationCount = Number(values.locations);
if (!Number.isInteger(variants) || variants < 1 || !Number.isInteger(locationCount) || locationCount < 1 || locationCount > 1000) {
  console.error('--variants must be a positive whole number and --locations between 1 and 1000');
  process.exit(1);
}

const env = loadCatalogEnv();
const client = env.databaseUrl ? openPostgres(env.databaseUrl, { maxConnections: 2 }) : await openPglite(env.pgliteDir);
try {
  const database = await openCatalogDatabase(client);
  await seedCatalogDemoData(database.db);
  const bar = new cliProgress.SingleBar({ format: 'catalog [{bar}] {percentage}% | {value}/{total} variants | {eta_formatted} left' }, cliProgress.Presets.shades_classic);
  bar.start(variants, 0);
  const started = Date.now();
  const result = await generateLargeCatalog(database.db, { variants, locations: locationCount, onProgress: (done) => bar.update(done) });
  bar.stop();
  console.log(
    `${result.products} products, ${result.variants} variants, ${result.locations} locations, ` +
      `${result.variants * result.locations} stock levels in ${((Date.now() - started) / 1000).toFixed(1)}s (${env.databaseUrl ? 'Postgres server' : `PGlite in ${env.pgliteDir}`})`,
  );
} finally {
  await client.close();
}
