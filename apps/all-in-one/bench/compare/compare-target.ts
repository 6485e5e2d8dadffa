import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { demoId } from '@omni/db';
import { SUPERGRAPH_FILE } from '@omni/gateway';
import { generateLargeCatalog } from '@omni/subgraph-catalog';
import { createTestDatabase, onPostgresServer, TEST_SIGNING_SECRET, TEST_TOKEN_SECRET } from '@omni/testing';
import { openDatabases } from '../../src/start-supergraph';
import { benchEdgeEnv, benchRateLimitEnv } from '../bench-rate-limits';
import { freePorts } from '../free-ports';
import { startProcessSupergraph } from '../process-supergraph';
import { NeedsPostgresError } from '../process-target';
import { spawnService, type ServiceProcess } from '../service-process';
import { postgresBackendCpu } from './postgres-backends';
import { subgraphRequestsSoFar } from './subgraph-requests';
import { connectVendure, type VendureTarget } from './vendure';

/**
 * The gateways that can be compared, in the order of the table; ours first, the ratios are to it.
 * `ours-edge-off` is a second instance of ours without request ids, access log, metrics, spans and
 * rate limiter: beside `ours` it measures what the edge costs, in the same alternating rounds.
 * `vendure` is not a gateway but a commerce server of its own, already running (VENDURE.md): it
 * answers the operations that have an equivalent through its own Shop API (see vendure.ts).
 */
export const GATEWAYS = ['ours', 'ours-edge-off', 'apollo-gateway', 'hive-gateway', 'hive-gateway-dedup-off', 'vendure'] as const;
export type GatewayName = (typeof GATEWAYS)[number];
/** What `--compare` runs unless `--gateways=` says otherwise: ours and the three peers. */
export const DEFAULT_GATEWAYS: readonly GatewayName[] = ['ours', 'apollo-gateway', 'hive-gateway', 'hive-gateway-dedup-off'];
export const GATEWAY_LABELS: Record<GatewayName, string> = {
  ours: 'ours',
  'ours-edge-off': 'ours, edge off',
  'apollo-gateway': 'stock @apollo/gateway',
  'hive-gateway': 'Hive Gateway (defaults)',
  'hive-gateway-dedup-off': 'Hive Gateway (dedup off)',
  vendure: 'Vendure 3.7 (Shop API)',
};

/** `--gateways=ours,ours-edge-off`: which to run; `ours` is always one of them (the ratios are to it). */
export function gatewaysFromFlag(flag: string | undefined): GatewayName[] {
  if (!flag) return [...DEFAULT_GATEWAYS];
  const named = flag.split(',').map((name) => name.trim());
  const unknown = named.filter((name) => !(GATEWAYS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`--gateways: unknown ${unknown.join(', ')}; choose from ${GATEWAYS.join(', ')}`);
  return GATEWAYS.filter((gateway) => gateway === 'ours' || named.includes(gateway));
}

/** A peer gateway's process: how to start it and where it listens. */
interface PeerSpec {
  entry: URL;
  directory: URL;
  path: string;
  env: Record<string, string>;
  edgeOff?: boolean;
}

const SUBGRAPH_NAMES = ['customer', 'catalog', 'cart', 'promotions', 'support'] as const;
const READY_TIMEOUT_MS = 120_000;
/** 2,000 generated products (the generator makes four variants each) across 20 locations. */
const GENERATED_PRODUCTS = 2_000;
const VARIANTS_PER_GENERATED_PRODUCT = 4;
const LOCATIONS = 20;

export interface UsageReading {
  /** CPU ms so far by process: `gateway` (whichever is measured), each subgraph, `postgres`. */
  cpuMs: Record<string, number>;
  /** SQL statements each subgraph has sent so far. */
  statements: Record<string, number>;
  /** Requests each subgraph has answered so far. */
  subgraphRequests: Record<string, number>;
}

export interface CompareTarget {
  /** The gateways running, in table order. */
  gateways: GatewayName[];
  urls: Record<GatewayName, string>;
  /** The secret access tokens are minted with, and the one caller headers are signed with. */
  tokenSecret: string;
  signingSecret: string;
  /** Ids of customers created for per-user traffic, one per connection. */
  customerIds: string[];
  /** The running Vendure, when `vendure` is one of the gateways. */
  vendure?: VendureTarget;
  /** Reads every counter at once for one gateway (its process's CPU counts as `gateway`). */
  usage(gateway: GatewayName): Promise<UsageReading>;
  stop(): Promise<void>;
}

/**
 * One database on the server at DATABASE_URL (migrated, seeded with the demo data plus a generated
 * catalog of 2,000 products and customers for per-user traffic), the five subgraphs and our gateway
 * as processes, and the three peers in front of the same subgraphs and the same supergraph SDL,
 * each a process of its own on the same Node binary (and the same TypeScript loader).
 */
export async function startCompareTarget(options: { customers: number; poolSize: number; gateways: GatewayName[]; workers: string; log: (line: string) => void }): Promise<CompareTarget> {
  if (!onPostgresServer()) throw new NeedsPostgresError('--compare needs DATABASE_URL pointing at a Postgres server: the subgraphs run as separate processes.');
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error('cleanup failed:', error));
    cleanups.length = 0;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the gateways and services and dropping the bench database…`);
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  cleanups.push(async () => void process.off('SIGINT', onSignal).off('SIGTERM', onSignal));

  try {
    // Vendure first: a Vendure that is not ready fails the run before the catalog is generated.
    const vendure = options.gateways.includes('vendure') ? await connectVendure() : undefined;
    if (vendure) cleanups.push(() => vendure.stop());
    const database = await createTestDatabase({ maxConnections: 3, service: 'bench' });
    cleanups.push(() => database.drop());
    if (database.client.kind !== 'postgres') throw new NeedsPostgresError('--compare needs a Postgres server');
    const databases = await openDatabases({ databases: database.client, seedDemoData: true });
    const started = Date.now();
    const generated = await generateLargeCatalog(databases.catalog.db, { variants: GENERATED_PRODUCTS * VARIANTS_PER_GENERATED_PRODUCT, locations: LOCATIONS });
    await databases.catalog.db.execute(sql`vacuum analyze`);
    options.log(`catalog: +${generated.products} products, +${generated.variants} variants, ${generated.locations} locations in ${((Date.now() - started) / 1000).toFixed(1)}s`);

    const customerIds = Array.from({ length: options.customers }, (_, index) => demoId('cus', `bench-${index + 1}`, 1_000 + index));
    for (const [index, id] of customerIds.entries()) {
      await databases.customer.db.execute(sql`insert into customer.customers (id, first_name, last_name, locale) values (${id}, ${'Bench'}, ${`Shopper ${index + 1}`}, ${'de'}) on conflict do nothing`);
    }

    const supergraph = await startProcessSupergraph({
      databaseUrl: database.client.url,
      signingSecret: TEST_SIGNING_SECRET,
      tokenSecret: TEST_TOKEN_SECRET,
      gatewayEnv: benchRateLimitEnv('bench'),
      // One process per service unless --workers says otherwise; a primary reports its workers' CPU and SQL with its own.
      env: { ...benchEdgeEnv('on'), BENCH_UNBOUND_CALLER_HEADERS: 'true', DATABASE_POOL_SIZE: String(options.poolSize), WORKERS: options.workers },
    });
    cleanups.push(() => supergraph.stop());

    // The same supergraph SDL as ours, pointing at the bench's subgraph processes.
    const folder = mkdtempSync(join(tmpdir(), 'omni-bench-compare-'));
    cleanups.push(async () => rmSync(folder, { recursive: true, force: true }));
    const supergraphFile = join(folder, 'supergraph.graphql');
    writeFileSync(supergraphFile, withSubgraphUrls(readFileSync(SUPERGRAPH_FILE, 'utf8'), supergraph.subgraphUrls));

    const host = '127.0.0.1';
    const peerNames = options.gateways.filter((gateway): gateway is Exclude<GatewayName, 'ours' | 'vendure'> => gateway !== 'ours' && gateway !== 'vendure');
    const ports = await freePorts(peerNames.length, host);
    const peerEnv = (deduplication: 'default' | 'off') => ({ ...inheritedEnv(), PEER_SUPERGRAPH_FILE: supergraphFile, PEER_DEDUPLICATION: deduplication });
    const here = new URL('./', import.meta.url);
    const specs: Record<Exclude<GatewayName, 'ours' | 'vendure'>, PeerSpec> = {
      'ours-edge-off': {
        entry: new URL('../../../gateway/src/index.ts', import.meta.url),
        directory: new URL('../../../gateway/', import.meta.url),
        path: '/',
        // Ours as the bench starts it, pointed at the same subgraphs, with the edge left out.
        env: {
          ...inheritedEnv(),
          ...benchEdgeEnv('off'),
          ...benchRateLimitEnv('off'),
          GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET,
          AUTH_TOKEN_SECRET: TEST_TOKEN_SECRET,
          BENCH_UNBOUND_CALLER_HEADERS: 'true',
          WORKERS: options.workers,
          ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`${name.toUpperCase()}_URL`, supergraph.subgraphUrls[name]])),
        },
        edgeOff: true,
      },
      'apollo-gateway': { entry: new URL('./stock-apollo-gateway.ts', import.meta.url), directory: here, path: '/', env: peerEnv('default') },
      'hive-gateway': { entry: new URL('./hive-gateway.ts', import.meta.url), directory: here, path: '/graphql', env: peerEnv('default') },
      'hive-gateway-dedup-off': { entry: new URL('./hive-gateway.ts', import.meta.url), directory: here, path: '/graphql', env: peerEnv('off') },
    };
    const peers = Object.fromEntries(
      peerNames.map((name, index) => {
        const spec = specs[name];
        const port = String(ports[index]);
        const peer = spawnService({
          name,
          directory: spec.directory,
          entry: spec.entry,
          url: `http://${host}:${port}${spec.path}`,
          env: { ...spec.env, HOST: host, PORT: port },
          readyWhen: (response) => response.ok,
          edgeOff: spec.edgeOff,
        });
        return [name, peer];
      }),
    ) as Partial<Record<Exclude<GatewayName, 'ours' | 'vendure'>, ServiceProcess>>;
    cleanups.push(async () => void (await Promise.all(Object.values(peers).map((peer) => peer.stop()))));
    await Promise.all(Object.values(peers).map((peer) => peer.ready(READY_TIMEOUT_MS)));

    const postgres = postgresBackendCpu(database.client.sql);
    const subgraphUrls = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, supergraph.subgraphUrls[name]]));
    return {
      gateways: options.gateways,
      urls: {
        ours: supergraph.gatewayUrl,
        ...Object.fromEntries(Object.entries(peers).map(([name, peer]) => [name, peer.url])),
        ...(vendure ? { vendure: vendure.shopApi } : {}),
      } as Record<GatewayName, string>,
      tokenSecret: TEST_TOKEN_SECRET,
      signingSecret: TEST_SIGNING_SECRET,
      customerIds,
      vendure,
      async usage(gateway) {
        if (gateway === 'vendure') return vendure!.usage();
        const [services, peerUsage, postgresMs, subgraphRequests] = await Promise.all([
          supergraph.usage(),
          gateway === 'ours' ? undefined : peers[gateway]!.usage(),
          postgres.cpuMs(),
          subgraphRequestsSoFar(subgraphUrls),
        ]);
        const cpuMs: Record<string, number> = { gateway: (peerUsage ?? services.gateway)!.cpuMs };
        const statements: Record<string, number> = {};
        for (const name of SUBGRAPH_NAMES) {
          cpuMs[name] = services[name]!.cpuMs;
          statements[name] = services[name]!.statements;
        }
        if (postgresMs !== undefined) cpuMs.postgres = postgresMs;
        return { cpuMs, statements, subgraphRequests };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The supergraph with each `@join__graph` URL replaced by where that subgraph listens in this run. */
export function withSubgraphUrls(supergraphSdl: string, urls: Record<string, string>): string {
  return supergraphSdl.replace(/@join__graph\(name: "(\w+)", url: "[^"]*"\)/g, (whole, name: string) => (urls[name] ? `@join__graph(name: "${name}", url: "${urls[name]}")` : whole));
}

/** The bench's environment minus what would point a peer elsewhere. */
function inheritedEnv(): Record<string, string> {
  const dropped = /^(?:[A-Z]+_DATABASE_URL|DATABASE_URL|PORT|HOST)$/;
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !dropped.test(entry[0])));
}
