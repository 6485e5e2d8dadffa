import { canonicalJson } from '@omni/auth';
import { GATEWAY_LABELS, startCompareTarget, type CompareTarget, type GatewayName, type UsageReading } from './compare-target';
import type { RoundResult } from './load';
import { compareOperations, type CompareOperation } from './operations';

export interface CompareOptions {
  rounds: number;
  seconds: number;
  connections: number;
  /** Connections each subgraph keeps to Postgres (the server is shared; every process has its own pool). */
  poolSize: number;
  /** Only the operations whose name contains this text. */
  only?: string;
  /** The gateways to run, ours first. */
  gateways: GatewayName[];
  /** WORKERS of our gateway and every subgraph: `1` (the single-worker figures) or more, or `auto`. */
  workers: string;
}

/** How often the counters are read while waiting for the requests still in flight after a round. */
const IN_FLIGHT_MS = 250;
const QUIET_TIMEOUT_MS = 10_000;
const SUBGRAPHS = ['customer', 'catalog', 'cart', 'promotions', 'support'] as const;

interface Totals {
  rounds: RoundResult[];
  cpuMs: Record<string, number>;
  statements: Record<string, number>;
  subgraphRequests: Record<string, number>;
}

/**
 * `npm run bench -- --compare`: our gateway beside stock Apollo Gateway and Hive Gateway (with its
 * defaults and with its fetch deduplication off), each its own process in front of the same
 * subgraph processes, supergraph and database. Every operation runs in alternating rounds (the
 * gateway that goes first rotates), so a burst of noise on the shared machine spreads over all of
 * them. Prints, per operation, throughput and the ratio to ours, latency, the CPU time every
 * process spent per operation, requests the subgraphs answered and SQL statements they sent per
 * operation; first it checks that every gateway returns the same data, and says so loudly if not.
 * Vendure (`--gateways=ours,vendure`, see vendure.ts) runs its own queries in the same rounds for the
 * operations it has, its answers checked for the expected items instead.
 */
export async function runCompare(options: CompareOptions): Promise<void> {
  const log = (line: string) => console.log(line);
  const target = await startCompareTarget({ customers: options.connections, poolSize: options.poolSize, gateways: options.gateways, workers: options.workers, log });
  const gateways = target.gateways;
  try {
    const operations = (await compareOperations(target, { connections: options.connections, seconds: options.seconds })).filter(
      (operation) => !options.only || `${operation.name} (${operation.traffic})`.includes(options.only),
    );
    log(
      `compare: ${gateways.map((gateway) => GATEWAY_LABELS[gateway]).join(', ')}; node ${process.version}; ${options.connections} connections; ` +
        `${options.rounds} alternating rounds × ${options.seconds}s per gateway per operation; subgraph pools ${options.poolSize} connections each; ` +
        `WORKERS=${options.workers} for ours and the subgraphs`,
    );
    if (target.vendure) log(`${target.vendure.description}; its CPU gateway is its server and worker, its CPU postgres the backends of its database`);
    for (const operation of operations) await operation.prepare?.();
    const mismatches = await checkSameData(target, operations);

    const summary: Record<string, string | number>[] = [];
    for (const operation of operations) {
      const gateways = gatewaysOf(target, operation);
      const totals = Object.fromEntries(gateways.map((gateway) => [gateway, { rounds: [], cpuMs: {}, statements: {}, subgraphRequests: {} } as Totals])) as Record<GatewayName, Totals>;
      for (let round = 0; round < options.rounds; round += 1) {
        for (const gateway of rotated(gateways, round)) {
          await measureRound(target, operation, gateway, round, totals[gateway]);
        }
      }
      const rows = gateways.map((gateway) => rowOf(gateway, totals[gateway], totals.ours));
      console.log(`\n${operation.name} — ${operation.traffic} traffic`);
      console.table(rows);
      summary.push({
        operation: `${operation.name} (${operation.traffic})`,
        ...Object.fromEntries(gateways.map((gateway) => [GATEWAY_LABELS[gateway], gateway === 'ours' ? `${meanRps(totals.ours)} req/s` : ratio(meanRps(totals[gateway]), meanRps(totals.ours))])),
      });
    }
    console.log('\nrequests/s relative to ours (ours: absolute)');
    console.table(summary);
    if (mismatches.length > 0) console.log(`\n!!! ${mismatches.length} DATA MISMATCHES, see above: ${mismatches.join('; ')}`);
  } finally {
    await target.stop();
  }
}

async function measureRound(target: CompareTarget, operation: CompareOperation, gateway: GatewayName, round: number, totals: Totals): Promise<void> {
  // The round's preparations (callers, fresh carts) run before the counters are read.
  const load = gateway === 'vendure' ? await operation.vendure!.prepareRound(round) : await operation.prepareRound(gateway, target.urls[gateway], round);
  // Vendure's worker goes on after its round (the search index follows each order): that work is
  // counted in its own round and never runs during the next one.
  await target.vendure?.idle();
  const before = await quietUsage(target, gateway);
  const result = await load();
  if (gateway === 'vendure') await target.vendure!.idle();
  const after = await quietUsage(target, gateway);
  totals.rounds.push(result);
  for (const [name, value] of Object.entries(after.cpuMs)) totals.cpuMs[name] = (totals.cpuMs[name] ?? 0) + value - (before.cpuMs[name] ?? value);
  for (const [name, value] of Object.entries(after.subgraphRequests)) totals.subgraphRequests[name] = (totals.subgraphRequests[name] ?? 0) + value - (before.subgraphRequests[name] ?? value);
  for (const [name, value] of Object.entries(after.statements)) totals.statements[name] = (totals.statements[name] ?? 0) + value - (before.statements[name] ?? value);
}

/**
 * The counters once the requests still in flight when the clock ran out are done: when the
 * subgraphs have answered nothing new for a moment (or after QUIET_TIMEOUT_MS on a saturated machine).
 */
async function quietUsage(target: CompareTarget, gateway: GatewayName): Promise<UsageReading> {
  const deadline = Date.now() + QUIET_TIMEOUT_MS;
  let reading = await target.usage(gateway);
  for (;;) {
    await sleep(IN_FLIGHT_MS);
    const next = await target.usage(gateway);
    const answered = (usage: UsageReading) => Object.values(usage.subgraphRequests).reduce((sum, value) => sum + value, 0);
    if (answered(next) === answered(reading) || Date.now() > deadline) return next;
    reading = next;
  }
}

function rowOf(gateway: GatewayName, totals: Totals, ours: Totals): Record<string, string | number> {
  const requests = totals.rounds.reduce((sum, round) => sum + round.sent, 0);
  const per = (value: number) => (requests === 0 ? 'n/a' : round2(value / requests));
  const cpu = Object.fromEntries(['gateway', ...SUBGRAPHS, 'postgres'].map((name) => [`CPU ${name}`, name in totals.cpuMs ? per(totals.cpuMs[name]!) : 'n/a']));
  const cpuAll = Object.values(totals.cpuMs).reduce((sum, value) => sum + value, 0);
  const fetches = Object.values(totals.subgraphRequests).reduce((sum, value) => sum + value, 0);
  const statements = Object.values(totals.statements).reduce((sum, value) => sum + value, 0);
  const bySubgraph = (counts: Record<string, number>) =>
    SUBGRAPHS.filter((name) => (counts[name] ?? 0) > 0)
      .map((name) => `${name} ${per(counts[name]!)}`)
      .join(', ');
  return {
    gateway: GATEWAY_LABELS[gateway],
    'req/s': meanRps(totals),
    'vs ours': gateway === 'ours' ? '1.00' : ratio(meanRps(totals), meanRps(ours)),
    'p50 ms': round2(mean(totals.rounds.map((round) => round.p50))),
    'p99 ms': round2(mean(totals.rounds.map((round) => round.p99))),
    errors: totals.rounds.reduce((sum, round) => sum + round.errors, 0),
    ...cpu,
    'CPU all': per(cpuAll),
    // Vendure has no subgraphs, and its SQL statements are not counted.
    'fetches/op': gateway === 'vendure' ? 'n/a' : per(fetches),
    'fetches by subgraph': bySubgraph(totals.subgraphRequests),
    'SQL/op': gateway === 'vendure' ? 'n/a' : per(statements),
    'SQL by subgraph': bySubgraph(totals.statements),
  };
}

/** Once per gateway and operation: the answers must equal ours. Prints every mismatch loudly. */
async function checkSameData(target: CompareTarget, operations: CompareOperation[]): Promise<string[]> {
  const mismatches: string[] = [];
  for (const operation of operations) {
    const gateways = target.gateways.filter((gateway) => gateway !== 'vendure');
    const label = `${operation.name} (${operation.traffic})`;
    const answers = new Map<GatewayName, string>();
    for (const gateway of gateways) answers.set(gateway, comparable(await operation.sample(gateway, target.urls[gateway])));
    const ours = answers.get('ours')!;
    if (ours.includes('"errors":') || /"userErrors":\[\{/.test(ours)) {
      mismatches.push(`${label}: ours answered errors`);
      console.log(`!!! ${label}: OUR GATEWAY ANSWERED ERRORS: ${ours.slice(0, 600)}`);
    }
    const differing = gateways.filter((gateway) => answers.get(gateway) !== ours);
    for (const gateway of differing) {
      mismatches.push(`${label}: ${GATEWAY_LABELS[gateway]}`);
      console.log(`!!! DATA MISMATCH on ${label}: ${GATEWAY_LABELS[gateway]} answered\n    ${answers.get(gateway)!.slice(0, 600)}\n  ours answered\n    ${ours.slice(0, 600)}`);
    }
    console.log(`same data ${differing.length === 0 ? '✓' : '✗'} ${label}${differing.length === 0 ? `: all ${gateways.length} gateways, ${ours.length} bytes` : ''}`);
    if (target.vendure && operation.vendure) {
      // Vendure's answers have another shape: the count of what it answered is checked instead.
      const { ok, summary } = await operation.vendure.check();
      if (!ok) mismatches.push(`${label}: ${GATEWAY_LABELS.vendure}`);
      console.log(`${ok ? 'expected items ✓' : '!!! UNEXPECTED ANSWER ✗'} ${label}: ${GATEWAY_LABELS.vendure}, ${summary}`);
    }
  }
  return mismatches;
}

/** Data and errors (not their wording: each gateway phrases its own), keys sorted. */
function comparable(answer: unknown): string {
  const { data, errors } = (answer ?? {}) as { data?: unknown; errors?: unknown[] };
  return canonicalJson(errors?.length ? { data, errors: errors.length } : { data });
}

/** The gateways an operation runs on: Vendure only where it has an equivalent. */
const gatewaysOf = (target: CompareTarget, operation: CompareOperation) => target.gateways.filter((gateway) => gateway !== 'vendure' || operation.vendure !== undefined);
const rotated = <T>(items: readonly T[], by: number): T[] => items.map((_, index) => items[(index + by) % items.length]!);
const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length);
const meanRps = (totals: Totals) => Math.round(mean(totals.rounds.map((round) => round.rps)) * 10) / 10;
/** Two decimals; three below 0.1, so a ratio far below ours (Vendure's) does not print as 0.00. */
const ratio = (value: number, base: number) => (base === 0 ? 'n/a' : (value / base).toFixed(value / base < 0.1 ? 3 : 2));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round2 = (value: number) => Math.round(value * 100) / 100;
