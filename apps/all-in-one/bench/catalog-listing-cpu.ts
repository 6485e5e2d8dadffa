import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { CALLER_CONTEXT_HEADER, SCOPES_BY_KIND, signCallerContext, type Caller } from '@omni/auth';
import { DEMO_LOCATIONS } from '@omni/demo-data';
import { createTestDatabase, onPostgresServer, TEST_SIGNING_SECRET } from '@omni/testing';
import { generateLargeCatalog, openCatalogDatabase, seedCatalogDemoData } from '@omni/subgraph-catalog';
import { freePorts } from './free-ports';
import { postgresBackendCpu } from './compare/postgres-backends';
import { spawnService, type ServiceProcess } from './service-process';

/**
 * The catalog subgraph's CPU time per storefront listing, measured on the subgraph alone:
 *
 *   DATABASE_URL=postgres://… npx tsx bench/catalog-listing-cpu.ts [--requests=2000] [--concurrency=16]
 *     [--rounds=3] [--against=/path/to/other/subgraphs/catalog] [--cpu-prof] [--floor] [--sources]
 *
 * (from apps/all-in-one).
 *
 * Seeds a fresh database on the server (the demo data plus 2,000 generated products of four
 * variants at 20 locations, as the comparison bench does), starts the catalog subgraph as its own
 * process the way the bench starts every service (access log, metrics and request ids on), in
 * production mode and compiled (`--sources`: through tsx), and sends it the very fetch the gateway
 * plans for the storefront listing of 24 products, each with a caller header signed for it and a
 * caller of its own, so nothing can be answered twice from one result. Prints the subgraph
 * process's CPU ms per request (process.cpuUsage, reported by the child), the CPU ms the
 * database's Postgres backends spent per request, and the SQL statements the subgraph sent per
 * request.
 *
 * `--against` starts a second catalog subgraph from another tree (e.g. an export of the last
 * commit, with its own node_modules links) on the same database; the rounds then alternate
 * between the two, so both are measured under the same machine noise. `--cpu-prof` writes a
 * V8 CPU profile of each subgraph process into PROFILE_DIRECTORY when it stops.
 */
const flag = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const REQUESTS = Number(flag('requests') ?? 2_000);
const CONCURRENCY = Number(flag('concurrency') ?? 16);
const ROUNDS = Number(flag('rounds') ?? 3);
const WARM_UP_REQUESTS = 300;
const AGAINST = flag('against');
const CPU_PROFILE = process.argv.includes('--cpu-prof');
const PROFILE_DIRECTORY = join(tmpdir(), 'catalog-listing-profiles');
/** `--sources`: run the subgraph from its TypeScript sources through tsx instead of compiled. */
const SOURCES = process.argv.includes('--sources');
/** `--floor`: instead of the listing, `{ __typename }`, signed the same way: what any request costs before a resolver runs. */
const FLOOR = process.argv.includes('--floor');

const GENERATED_PRODUCTS = 2_000;
const VARIANTS_PER_GENERATED_PRODUCT = 4;
const LOCATIONS = 20;
const READY_TIMEOUT_MS = 60_000;

/** What the gateway sends the catalog for `listingPage(24)` (apps/all-in-one/bench/scenarios.ts), as its query planner prints it. */
const LISTING_FETCH =
  'query($store:ID!){products(first:24 sort:NEWEST){edges{node{id title slug imageUrls priceRange{min{amount currencyCode}max{amount}}variants{sku title price{amount currencyCode}compareAtPrice{amount}availability(locationId:$store){available}}}}pageInfo{hasNextPage endCursor}}}';
const QUERY = FLOOR ? 'query{__typename}' : LISTING_FETCH;
const VARIABLES = FLOOR ? {} : { store: DEMO_LOCATIONS[0]!.id };

if (!onPostgresServer()) {
  console.error('Needs DATABASE_URL pointing at a Postgres server: the subgraph runs as a process of its own.');
  process.exit(2);
}

const database = await createTestDatabase({ maxConnections: 3, service: 'bench' });
if (database.client.kind !== 'postgres') throw new Error('Needs a Postgres server');
const databaseUrl = database.client.url;
const services: ServiceProcess[] = [];
const stop = async () => {
  await Promise.all(services.map((service) => service.stop()));
  await database.drop();
};
process.once('SIGINT', () => void stop().finally(() => process.exit(130)));

try {
  const catalog = await openCatalogDatabase(database.client);
  await seedCatalogDemoData(catalog.db);
  const generated = await generateLargeCatalog(catalog.db, { variants: GENERATED_PRODUCTS * VARIANTS_PER_GENERATED_PRODUCT, locations: LOCATIONS });
  await catalog.db.execute(sql`vacuum analyze`);
  console.log(`catalog: ${generated.products} generated products, ${generated.variants} variants, ${generated.locations} locations`);

  const host = '127.0.0.1';
  const trees = [{ label: 'this tree', directory: new URL('../../../subgraphs/catalog/', import.meta.url) }];
  if (AGAINST) trees.push({ label: AGAINST, directory: new URL(`file://${AGAINST.replace(/\/?$/, '/')}`) });
  // Compiled, as deployed, when every tree can compile itself; otherwise all from their sources, so the two compare like for like.
  const bundlers = trees.map((tree) => fileURLToPath(new URL('../../scripts/bundle-services.mjs', tree.directory)));
  const compiled = !SOURCES && bundlers.every((bundler) => existsSync(bundler));
  if (compiled) for (const bundler of bundlers) await promisify(execFile)(process.execPath, [bundler], { cwd: dirname(dirname(bundler)) });
  console.log(compiled ? 'running compiled (npm run build)' : 'running from the sources (tsx)');
  const ports = await freePorts(trees.length, host);
  // spawnService profiles the services BENCH_CPU_PROF names.
  if (CPU_PROFILE) Object.assign(process.env, { BENCH_CPU_PROF: trees.map((tree) => tree.label).join(','), BENCH_CPU_PROF_DIR: PROFILE_DIRECTORY });
  for (const [index, tree] of trees.entries()) {
    services.push(
      spawnService({
        name: tree.label,
        directory: tree.directory,
        url: `http://${host}:${ports[index]}/`,
        env: {
          ...inheritedEnv(),
          HOST: host,
          PORT: String(ports[index]),
          DATABASE_URL: databaseUrl,
          DATABASE_POOL_SIZE: '6',
          GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET,
          LOG_LEVEL: 'info',
          LOG_FORMAT: 'json',
          WORKERS: '1',
          // As production runs: graphql-js, for one, checks every `instanceof` again by name in development.
          NODE_ENV: 'production',
        },
        readyWhen: () => true,
        compiled,
      }),
    );
  }
  await Promise.all(services.map((service) => service.ready(READY_TIMEOUT_MS)));

  let callerNumber = 0;
  for (const service of services) await checkAnswer(service.url, ++callerNumber);
  for (const service of services) await load(service.url, WARM_UP_REQUESTS, () => ++callerNumber);

  // Only one subgraph is loaded at a time, so the database's backends work for that one.
  const postgres = postgresBackendCpu(database.client.sql);
  const results = new Map<string, { cpuMs: number; postgresMs: number; statements: number; requests: number; seconds: number }[]>();
  for (let round = 1; round <= ROUNDS; round += 1) {
    // Alternating who goes first, so neither always runs right after the other.
    const order = round % 2 === 1 ? services : [...services].reverse();
    for (const service of order) {
      const before = await service.usage();
      const postgresBefore = (await postgres.cpuMs()) ?? 0;
      const started = performance.now();
      await load(service.url, REQUESTS, () => ++callerNumber);
      const seconds = (performance.now() - started) / 1000;
      const after = await service.usage();
      const postgresMs = ((await postgres.cpuMs()) ?? 0) - postgresBefore;
      const reading = { cpuMs: after.cpuMs - before.cpuMs, postgresMs, statements: after.statements - before.statements, requests: REQUESTS, seconds };
      results.set(service.name, [...(results.get(service.name) ?? []), reading]);
      console.log(
        `round ${round} ${service.name}: ${(reading.cpuMs / REQUESTS).toFixed(3)} CPU ms/req, Postgres ${(postgresMs / REQUESTS).toFixed(3)} CPU ms/req, ${(reading.statements / REQUESTS).toFixed(2)} SQL/req, ${(REQUESTS / seconds).toFixed(0)} req/s`,
      );
    }
  }
  for (const [name, readings] of results) {
    const perRequest = readings.map((reading) => reading.cpuMs / reading.requests).sort((a, b) => a - b);
    const postgresPerRequest = readings.map((reading) => reading.postgresMs / reading.requests).sort((a, b) => a - b);
    console.log(
      `${name}: median ${perRequest[Math.floor(perRequest.length / 2)]!.toFixed(3)} CPU ms/req (min ${perRequest[0]!.toFixed(3)}, max ${perRequest.at(-1)!.toFixed(3)}), ` +
        `Postgres median ${postgresPerRequest[Math.floor(postgresPerRequest.length / 2)]!.toFixed(3)} CPU ms/req`,
    );
  }
} finally {
  await stop();
  if (CPU_PROFILE) console.log(`CPU profiles: ${PROFILE_DIRECTORY}`);
}

/** A guest of its own for every request, as distinct shoppers would be. */
function guest(number: number): Caller {
  return { kind: 'guest', channel: 'WEB', guestId: `guest_bench_${number}`, scopes: [...SCOPES_BY_KIND.guest] };
}

async function send(url: string, callerNumber: number): Promise<Response> {
  const header = await signCallerContext(TEST_SIGNING_SECRET, { caller: guest(callerNumber), query: QUERY, variables: VARIABLES });
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CALLER_CONTEXT_HEADER]: header },
    body: JSON.stringify({ query: QUERY, variables: VARIABLES }),
  });
}

/** The listing must come back whole: 24 products with variants, priced, stock at the store. */
async function checkAnswer(url: string, callerNumber: number): Promise<void> {
  const response = await send(url, callerNumber);
  if (FLOOR) {
    if (!response.ok) throw new Error(`${url} did not answer { __typename }: ${response.status} ${await response.text()}`);
    return;
  }
  const body = (await response.json()) as { data?: { products: { edges: { node: { variants: { availability: unknown }[] } }[] } }; errors?: unknown };
  const edges = body.data?.products.edges ?? [];
  if (!response.ok || body.errors || edges.length !== 24 || edges.some((edge) => edge.node.variants.length === 0)) {
    throw new Error(`${url} did not answer the listing: ${response.status} ${JSON.stringify(body).slice(0, 500)}`);
  }
}

async function load(url: string, requests: number, nextCaller: () => number): Promise<void> {
  let sent = 0;
  const worker = async () => {
    while (sent < requests) {
      sent += 1;
      const response = await send(url, nextCaller());
      if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

function inheritedEnv(): Record<string, string> {
  const dropped = /^(?:[A-Z]+_DATABASE_URL|DATABASE_URL|SEED_DEMO_DATA|PGLITE_DIR|PORT|HOST)$/;
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !dropped.test(entry[0])));
}
