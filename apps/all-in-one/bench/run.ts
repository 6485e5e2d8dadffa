import autocannon from 'autocannon';
import { TEST_TOKEN_SECRET } from '@omni/testing';
import { generateLargeCatalog } from '@omni/subgraph-catalog';
import { benchmarkEngine } from '@omni/subgraph-promotions';
import { mintDemoToken } from '../src/demo-tokens';
import { runCartBench } from './cart-scenarios';
import { runOfflineSyncBench } from './offline-sync-scenario';
import { runLiveUpdatesBench } from './live-updates-scenario';
import { DISCOUNT_CART_SIZES, discountScenarioName, setUpDiscountScenarios } from './discount-scenarios';
import { describeBenchRateLimits, type BenchEdge, type BenchRateLimits } from './bench-rate-limits';
import { NeedsPostgresError, startProcessTarget } from './process-target';
import { SCENARIOS, type Scenario } from './scenarios';
import { startInProcessTarget } from './target';

/**
 * npm run bench: the whole supergraph in this process on a fresh seeded database (PGlite, or a new
 * database on the server at DATABASE_URL), loaded over loopback HTTP. Prints throughput, latency
 * and SQL statements per request; it asserts nothing.
 *
 * The cart scenarios (add-to-cart on distinct carts and on one shared cart, checkout) report
 * user errors and, for the shared cart, updates lost (accepted adds missing from the cart).
 *
 * It also times one offline POS upload of 1,000 queued operations (`syncCart`) until the merged
 * cart is back, the time from a committed cart change to its push to a subscribed second device
 * (WebSocket and SSE, p50/p95), and the promotion engine alone on a 50-line cart against 1,000 active promotions, and
 * reads carts of 1, 10 and 100 lines with discounts (automatic promotions and a coupon code)
 * through the gateway: SQL statements per request should be the same for every size. Those runs
 * take half the duration each, to keep the whole run short.
 *
 * --catalog-variants=100000 first adds a generated catalog of that many variants across 20
 * locations, so the catalog scenarios run against a large catalog.
 *
 * The gateway's rate limiter charges every operation but, with a budget no run can exhaust, never
 * refuses one (printed in the header line); --rate-limits=default uses the production budgets,
 * --rate-limits=off leaves the limiter out, to measure what it costs.
 *
 * --processes runs the five subgraphs and the gateway as separate processes instead (needs
 * DATABASE_URL), so the figures are not bounded by the one core this process can use. SQL
 * statements per request are then not counted (n/a); the CPU time each process used per request
 * is (`CPU ms/req`, the gateway and each subgraph, the CPU time of the run over the requests
 * answered; background work such as outbox relays counts too).
 *
 * --compare runs our gateway beside stock Apollo Gateway and Hive Gateway in front of the same
 * subgraph processes (needs DATABASE_URL) in alternating rounds: --rounds=3, --duration=5 (seconds
 * per gateway per round), --connections=16, --pool-size=6 (Postgres connections per subgraph),
 * --scenario=<text> picks operations, --gateways=ours,ours-edge-off,apollo-gateway,… picks gateways
 * (`ours-edge-off`, a second instance of ours with the edge left out, measures what the edge costs).
 * See compare/run-compare.ts.
 *
 * --workers=N|auto (with --processes or --compare) runs every service as N workers (WORKERS, one
 * per core with auto); each primary reports its workers' CPU time and SQL statements with its own,
 * so the figures are all-core ones. 1 by default: the single-worker figures.
 *
 * --edge=off runs every service without request ids, access log, metrics and trace spans, silent,
 * and the gateway without its rate limiter: the baseline the edge's cost is measured against.
 */
const flag = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
const DURATION_SECONDS = Number(flag('duration') ?? 10);
const CATALOG_VARIANTS = Number(flag('catalog-variants') ?? 0);
const PROCESSES = process.argv.includes('--processes');
const CONNECTIONS = [1, 16];
/** `--rate-limits=default|off`: the production budgets, or no limiter; an unexhaustible budget by default. */
const RATE_LIMITS = (flag('rate-limits') ?? 'bench') as BenchRateLimits;
if (!['bench', 'default', 'off'].includes(RATE_LIMITS)) throw new Error('--rate-limits is bench, default or off');
const EDGE = (flag('edge') ?? 'on') as BenchEdge;
if (!['on', 'off'].includes(EDGE)) throw new Error('--edge is on or off');
/** `--workers=N|auto` (with --processes or --compare): WORKERS of every service; 1 by default. */
const WORKERS = flag('workers') ?? '1';
if (!/^(?:auto|[1-9]\d*)$/.test(WORKERS)) throw new Error('--workers is a positive number or auto');
/** `--scenario=<text>` runs only the scenarios whose name contains the text. */
const ONLY = process.argv.find((arg) => arg.startsWith('--scenario='))?.split('=')[1];

if (process.argv.includes('--compare')) {
  // Our gateway beside stock Apollo Gateway and Hive Gateway; see compare/run-compare.ts.
  const { runCompare } = await import('./compare/run-compare');
  const { gatewaysFromFlag } = await import('./compare/compare-target');
  await runCompare({
    gateways: gatewaysFromFlag(flag('gateways')),
    workers: WORKERS,
    rounds: Number(flag('rounds') ?? 3),
    seconds: Number(flag('duration') ?? 5),
    connections: Number(flag('connections') ?? 16),
    poolSize: Number(flag('pool-size') ?? 6),
    only: ONLY,
  }).catch((error: unknown) => {
    if (!(error instanceof NeedsPostgresError)) throw error;
    console.error(error.message);
    process.exit(2);
  });
  process.exit(0);
}

/** `--response-cache=off` answers every read from the subgraphs, to measure what the gateway's cache of public catalog responses saves. */
const RESPONSE_CACHE = (flag('response-cache') ?? 'on') as 'on' | 'off';
if (!['on', 'off'].includes(RESPONSE_CACHE)) throw new Error('--response-cache is on or off');

const supergraph = await (PROCESSES ? startProcessTarget(RATE_LIMITS, EDGE, WORKERS) : startInProcessTarget(RATE_LIMITS, EDGE, RESPONSE_CACHE)).catch((error: unknown) => {
  if (!(error instanceof NeedsPostgresError)) throw error;
  console.error(error.message);
  return process.exit(2);
});

async function measure(scenario: Scenario, connections: number, duration = DURATION_SECONDS) {
  const token = await mintDemoToken(TEST_TOKEN_SECRET, scenario.role, scenario.key);
  const body = JSON.stringify({ query: scenario.query, variables: scenario.variables ?? {} });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };

  // One request first, once the previous run's last requests have drained: proves the operation
  // works and counts its SQL statements in isolation.
  await supergraph.settle();
  const before = supergraph.totalStatements?.();
  const probe = (await (await fetch(supergraph.gatewayUrl, { method: 'POST', headers, body })).json()) as { errors?: unknown[] };
  if (probe.errors?.length) throw new Error(`${scenario.name} failed: ${JSON.stringify(probe.errors)}`);
  const statementsPerRequest = supergraph.totalStatements && before !== undefined ? supergraph.totalStatements() - before : 'n/a';

  const cpuBefore = await supergraph.cpuMs?.();
  const result = await autocannon({
    url: supergraph.gatewayUrl,
    method: 'POST',
    headers,
    body,
    connections,
    duration,
  });
  // Requests still in flight when the clock ran out finish first; their CPU time is counted, not their responses.
  await sleep(IN_FLIGHT_MS);
  const cpuAfter = await supergraph.cpuMs?.();
  return {
    scenario: scenario.name,
    connections,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'SQL/req': statementsPerRequest,
    errors: result.errors + result.non2xx,
    ...cpuPerRequest(cpuBefore, cpuAfter, result.requests.total),
  };
}

const IN_FLIGHT_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `gateway CPU ms/req`, `catalog CPU ms/req` …: each process's CPU time over the run divided by the requests answered. */
function cpuPerRequest(before: Record<string, number> | undefined, after: Record<string, number> | undefined, requests: number): Record<string, number> {
  if (!before || !after || requests === 0) return {};
  return Object.fromEntries(Object.keys(after).map((service) => [`${service} CPU ms/req`, Math.round((((after[service] ?? 0) - (before[service] ?? 0)) / requests) * 100) / 100]));
}

try {
  if (CATALOG_VARIANTS > 0) {
    const started = Date.now();
    let reported = 0;
    const generated = await generateLargeCatalog(supergraph.databases.catalog.db, {
      variants: CATALOG_VARIANTS,
      locations: 20,
      onProgress: (done) => {
        if (done - reported >= CATALOG_VARIANTS / 10 || done === CATALOG_VARIANTS) {
          reported = done;
          console.log(`generating catalog: ${done}/${CATALOG_VARIANTS} variants`);
        }
      },
    });
    await supergraph.databases.catalog.db.execute('vacuum analyze');
    console.log(
      `catalog: +${generated.products} products, +${generated.variants} variants, ${generated.locations} locations ` +
        `in ${((Date.now() - started) / 1000).toFixed(1)}s`,
    );
  }
  console.log(`${supergraph.description}, node ${process.version}, ${DURATION_SECONDS}s per run, ${describeBenchRateLimits(RATE_LIMITS)}`);
  if (!ONLY || 'promotion engine'.includes(ONLY)) {
    // The engine alone, in this process: what pricing one large cart costs before any I/O.
    const engine = benchmarkEngine({ iterations: 200 });
    console.table([{ scenario: 'promotion engine', lines: engine.lines, promotions: engine.promotions, 'p50 ms': engine.p50Ms.toFixed(2), 'p99 ms': engine.p99Ms.toFixed(2) }]);
  }
  const rows = [];
  for (const scenario of SCENARIOS.filter((candidate) => !ONLY || candidate.name.includes(ONLY))) {
    for (const connections of CONNECTIONS) rows.push(await measure(scenario, connections));
  }
  if (rows.length > 0) console.table(rows);
  // Write paths: add-to-cart and checkout, with their own load loop (each request needs its own cart or key).
  const cartRows = await runCartBench(
    { gatewayUrl: supergraph.gatewayUrl, totalStatements: supergraph.totalStatements, settle: () => supergraph.settle() },
    { seconds: DURATION_SECONDS, connections: CONNECTIONS, only: ONLY },
  );
  if (cartRows.length > 0) console.table(cartRows);
  // Offline POS sync: how long a till waits for 1,000 queued operations to reconcile.
  if (!ONLY || 'offline sync'.includes(ONLY)) console.table(await runOfflineSyncBench(supergraph.gatewayUrl));
  // Live updates: how long a committed cart change takes to reach a subscribed second device.
  if (!ONLY || 'live cart update'.includes(ONLY)) console.table(await runLiveUpdatesBench(supergraph.gatewayUrl));
  // Last: the promotions this creates would otherwise discount the checkouts above.
  const sizes = DISCOUNT_CART_SIZES.filter((size) => !ONLY || discountScenarioName(size).includes(ONLY));
  if (sizes.length > 0) {
    const discountRows = [];
    for (const scenario of await setUpDiscountScenarios(supergraph.gatewayUrl, sizes)) {
      for (const connections of CONNECTIONS) discountRows.push(await measure(scenario, connections, Math.max(1, Math.round(DURATION_SECONDS / 2))));
    }
    console.table(discountRows);
    // Slow 100-line reads still in flight when the clock ran out would hit services being stopped.
    await supergraph.settle();
  }
} finally {
  await supergraph.stop();
}
