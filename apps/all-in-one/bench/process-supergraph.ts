import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SubgraphName } from '@omni/gateway';
import { freePorts } from './free-ports';
import { spawnService, type ServiceProcess } from './service-process';

const REPO_ROOT = new URL('../../../', import.meta.url);
const SUBGRAPH_NAMES: SubgraphName[] = ['customer', 'catalog', 'cart', 'promotions', 'support'];
/** Six Node processes compile their TypeScript at once on a small machine. */
const READY_TIMEOUT_MS = 90_000;

export interface ProcessSupergraphOptions {
  /** The database every subgraph uses (each keeps to its own schema), already migrated and seeded. */
  databaseUrl: string;
  signingSecret: string;
  tokenSecret: string;
  host?: string;
  /** Extra environment of the gateway process (its rate limits). */
  gatewayEnv?: Record<string, string>;
  /** Extra environment of every process (its log level and format). */
  env?: Record<string, string>;
  /**
   * Every process without request ids, access log, metrics and spans (the bench's --edge=off).
   * These run from the sources: the switch is flipped in the sources' own module before they start.
   */
  edgeOff?: boolean;
}

export interface ProcessSupergraph {
  gatewayUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  /** Stops every child; safe to call more than once and while starting failed half-way. */
  stop(): Promise<void>;
  /** CPU time each process has used so far, in milliseconds, by service (`gateway`, `catalog` …). */
  cpuMs(): Promise<Record<string, number>>;
  /** CPU time (ms) and SQL statements each process has used and sent so far, by service. */
  usage(): Promise<Record<string, { cpuMs: number; statements: number }>>;
}

/**
 * The five subgraphs and the gateway as six Node processes, each started from its standalone
 * entry point (relays and sweepers included) with the environment docker-compose gives it, so
 * throughput is not bounded by the one core a single process can use. They run compiled
 * (`npm run build`, built afresh here), as the production image runs them.
 */
export async function startProcessSupergraph(options: ProcessSupergraphOptions): Promise<ProcessSupergraph> {
  const compiled = !options.edgeOff;
  if (compiled) await promisify(execFile)(process.execPath, [fileURLToPath(new URL('scripts/bundle-services.mjs', REPO_ROOT))], { cwd: fileURLToPath(REPO_ROOT) });
  const host = options.host ?? '127.0.0.1';
  const [gatewayPort, ...subgraphPorts] = await freePorts(1 + SUBGRAPH_NAMES.length, host);
  const urlOf = (port: number | undefined) => `http://${host}:${port}/`;
  const subgraphUrls = Object.fromEntries(SUBGRAPH_NAMES.map((name, index) => [name, urlOf(subgraphPorts[index])])) as Record<SubgraphName, string>;
  const gatewayUrl = urlOf(gatewayPort);

  // Every service gets every sibling URL (CART_URL, CATALOG_URL, …) and reads the ones it needs.
  const shared = {
    ...inheritedEnv(),
    ...options.env,
    HOST: host,
    GATEWAY_SIGNING_SECRET: options.signingSecret,
    AUTH_TOKEN_SECRET: options.tokenSecret,
    ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`${name.toUpperCase()}_URL`, subgraphUrls[name]])),
  };
  const services: ServiceProcess[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Gateway first, so no request reaches a subgraph that is already gone.
      const [gateway, ...subgraphs] = services;
      await gateway?.stop();
      await Promise.all(subgraphs.map((service) => service.stop()));
    })());

  try {
    services.push(
      spawnService({
        name: 'gateway',
        directory: new URL('apps/gateway/', REPO_ROOT),
        url: gatewayUrl,
        env: { ...shared, ...options.gatewayEnv, PORT: String(gatewayPort) },
        readyWhen: (response) => response.ok,
        edgeOff: options.edgeOff,
        compiled,
      }),
    );
    SUBGRAPH_NAMES.forEach((name, index) =>
      services.push(
        spawnService({
          name,
          directory: new URL(`subgraphs/${name}/`, REPO_ROOT),
          url: subgraphUrls[name],
          env: { ...shared, PORT: String(subgraphPorts[index]), DATABASE_URL: options.databaseUrl },
          readyWhen: () => true,
          edgeOff: options.edgeOff,
          compiled,
        }),
      ),
    );
    // With workers, each service compiles once in its primary and again in every worker.
    const workers = options.env?.WORKERS ?? '1';
    await Promise.all(services.map((service) => service.ready(workers === '1' ? READY_TIMEOUT_MS : 2 * READY_TIMEOUT_MS)));
  } catch (error) {
    await stop();
    throw error;
  }
  const cpuMs = async () => Object.fromEntries(await Promise.all(services.map(async (service) => [service.name, await service.cpuMs()] as const)));
  const usage = async () => Object.fromEntries(await Promise.all(services.map(async (service) => [service.name, await service.usage()] as const)));
  return { gatewayUrl, subgraphUrls, stop, cpuMs, usage };
}

/**
 * The bench's environment minus what would point a service elsewhere: a per-subgraph database
 * (`CART_DATABASE_URL`), demo seeding (done once by the bench) or embedded storage.
 */
function inheritedEnv(): Record<string, string> {
  const dropped = /^(?:[A-Z]+_DATABASE_URL|DATABASE_URL|SEED_DEMO_DATA|PGLITE_DIR|PORT|HOST)$/;
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !dropped.test(entry[0])));
}
