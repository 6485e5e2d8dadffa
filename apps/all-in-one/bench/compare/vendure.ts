import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, resolve } from 'node:path';
import { openPostgres } from '@omni/db';
import type { UsageReading } from './compare-target';
import { loadSteps, type RoundResult } from './load';
import type { Traffic } from './operations';

/**
 * Vendure (`@vendure/core` 3.7) as a target of `npm run bench -- --compare --gateways=ours,vendure`:
 * a commerce server of its own, installed and loaded as `VENDURE.md` says, outside this repository.
 * It cannot stand in front of our subgraphs, so it answers the same storefront operations through
 * its own Shop API, on its own database of the same Postgres server, with the same catalog size.
 *
 * - `VENDURE_SHOP_API`: where its Shop API listens, e.g. `http://127.0.0.1:3000/shop-api`.
 * - `VENDURE_PIDS`: its server and worker processes, comma-separated; found otherwise as the
 *   processes running `server.ts` and `worker.ts` (or `.js`) in `VENDURE_DIR` (`~/vendure-bench`).
 * - `VENDURE_DATABASE_URL`: its database, by default `vendure_bench` on the server of `DATABASE_URL`.
 *
 * Its CPU is that of those processes and of the Postgres backends serving its database, read from
 * `/proc/<pid>/stat` like everything else the bench measures. Its connection pool closes connections
 * idle for a while and opens new ones, so a backend's CPU time is kept as last read after it exits.
 */

const SESSION_HEADER = 'vendure-auth-token';
const DEFAULT_DATABASE = 'vendure_bench';
/** Stock a variant needs so that adding it over and over, or buying it, does not run out. */
const PLENTY = 100;
const STOCKED_VARIANTS_LIMIT = 1_000;
/** As in operations.ts: variants per connection, and on the one shared order. */
const VARIANTS_PER_CONNECTION = 8;
const VARIANTS_ON_SHARED_ORDER = 24;
const LISTING_SIZE = 24;
const VARIANTS_PER_PRODUCT = 4;
/** How long a round waits for Vendure's worker to finish the jobs a round set off, and how often it looks. */
const JOBS_TIMEOUT_MS = 60_000;
const JOBS_POLL_MS = 200;
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** The fields a storefront needs for the same page as ours (VENDURE.md §5). */
const VARIANT_FIELDS = 'sku name price priceWithTax currencyCode stockLevel';
const LISTING = /* GraphQL */ `{ products(options: { take: ${LISTING_SIZE}, sort: { createdAt: DESC } }) { totalItems items {
  id name slug
  variants { ${VARIANT_FIELDS} }
} } }`;
const SEARCH = /* GraphQL */ `{ search(input: { term: "sweater", take: ${LISTING_SIZE}, groupByProduct: true }) { totalItems items {
  productName slug inStock priceWithTax { ... on PriceRange { min max } }
} } }`;
const PRODUCT_BY_SLUG = /* GraphQL */ `query($slug: String!) { product(slug: $slug) {
  id name slug description
  variants { ${VARIANT_FIELDS} }
} }`;
const ADD_ITEM = /* GraphQL */ `mutation($variantId: ID!) { addItemToOrder(productVariantId: $variantId, quantity: 1) {
  ... on Order { id code totalQuantity totalWithTax }
  ... on ErrorResult { errorCode message }
} }`;
const CHECKOUT_ADD = /* GraphQL */ `mutation($variantId: ID!) { addItemToOrder(productVariantId: $variantId, quantity: 1) { ... on Order { id } ... on ErrorResult { errorCode } } }`;
const CHECKOUT_STEPS = [
  /* GraphQL */ `mutation($email: String!) { setCustomerForOrder(input: { emailAddress: $email, firstName: "Bench", lastName: "Shopper" }) { ... on Order { id } ... on ErrorResult { errorCode } } }`,
  /* GraphQL */ `mutation { setOrderShippingAddress(input: { fullName: "Bench Shopper", streetLine1: "Torstr. 1", city: "Berlin", postalCode: "10119", countryCode: "DE" }) { ... on Order { id } ... on ErrorResult { errorCode } } }`,
  /* GraphQL */ `mutation($shippingMethodId: ID!) { setOrderShippingMethod(shippingMethodId: [$shippingMethodId]) { ... on Order { id } ... on ErrorResult { errorCode } } }`,
  /* GraphQL */ `mutation { transitionOrderToState(state: "ArrangingPayment") { ... on Order { id } ... on ErrorResult { errorCode } } }`,
  /* GraphQL */ `mutation($method: String!) { addPaymentToOrder(input: { method: $method, metadata: {} }) { ... on Order { code state } ... on ErrorResult { errorCode } } }`,
] as const;

export interface VendureTarget {
  shopApi: string;
  /** Its server and worker processes. */
  pids: number[];
  /** What the bench prints about it in its header. */
  description: string;
  /** Variants with plenty in stock, newest products first: what the carts and checkouts buy. */
  variants: string[];
  /** The slug of the newest product, as ours reads the newest generated product. */
  slug: string;
  shippingMethodId: string;
  paymentMethodCode: string;
  /** CPU of its processes (as `gateway`) and of the Postgres backends of its database (as `postgres`). */
  usage(): Promise<UsageReading>;
  /**
   * Resolves once its worker has no job waiting or running (the search index follows every order
   * it places), or after `JOBS_TIMEOUT_MS`: what a round of it set off is counted in its round and
   * does not take the machine from the next round, whoever's it is.
   */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** One of our operations as Vendure answers it: a check of its answer, and the timed rounds. */
export interface VendureOperation {
  /** One answer checked for the expected count of items (it cannot be compared with ours). */
  check(): Promise<{ ok: boolean; summary: string }>;
  /** Prepares one round untimed (sessions, first order lines) and returns the timed load. */
  prepareRound(round: number): Promise<() => Promise<RoundResult>>;
}

/** Connects to a running Vendure: its Shop API, processes and database; fails if any is missing. */
export async function connectVendure(source: Record<string, string | undefined> = process.env): Promise<VendureTarget> {
  const shopApi = source.VENDURE_SHOP_API;
  if (!shopApi) throw new Error('--gateways=…,vendure needs VENDURE_SHOP_API (e.g. http://127.0.0.1:3000/shop-api) of a Vendure set up as bench/compare/VENDURE.md says');
  const directory = resolve(source.VENDURE_DIR ?? `${homedir()}/vendure-bench`);
  const pids = source.VENDURE_PIDS ? source.VENDURE_PIDS.split(',').map((pid) => Number(pid.trim())) : vendureProcesses(directory);
  if (pids.length === 0 || pids.some((pid) => !Number.isInteger(pid) || processTicks(pid) === undefined)) {
    throw new Error(`Vendure's server and worker processes: ${pids.length === 0 ? `none found running server.ts or worker.ts in ${directory}` : `not all of ${pids.join(', ')} are running`}; pass VENDURE_PIDS=<server>,<worker>`);
  }
  const databaseUrl = source.VENDURE_DATABASE_URL ?? withDatabase(source.DATABASE_URL, DEFAULT_DATABASE);
  const database = openPostgres(databaseUrl, { maxConnections: 2 });
  try {
    const sql = database.kind === 'postgres' ? database.sql : undefined;
    if (!sql) throw new Error('Vendure: its database must be on a Postgres server');
    const pending = await sql<{ count: number }[]>`select count(*)::int as count from job_record where state in ('PENDING', 'RUNNING', 'RETRYING')`;
    if (pending[0]!.count > 0) throw new Error(`Vendure: ${pending[0]!.count} jobs (the search index) are not done yet; start its worker and wait for them`);
    const stocked = await sql<{ id: string }[]>`
      select pv.id::text as id from product_variant pv
      join product p on p.id = pv."productId"
      join stock_level sl on sl."productVariantId" = pv.id
      where pv."deletedAt" is null and p."deletedAt" is null and pv.enabled and p.enabled
        and sl."stockOnHand" - sl."stockAllocated" >= ${PLENTY}
      order by p."createdAt" desc, p.id desc, pv.id
      limit ${STOCKED_VARIANTS_LIMIT}`;
    const [shipping] = await sql<{ id: string }[]>`select id::text as id from shipping_method where "deletedAt" is null order by id limit 1`;
    const [payment] = await sql<{ code: string }[]>`select code from payment_method where enabled order by id limit 1`;
    if (!shipping || !payment) throw new Error('Vendure: no shipping or payment method; load it with populate.ts as VENDURE.md says');

    const listing = await shop<{ products: { items: { slug: string }[] } }>(shopApi, LISTING);
    const slug = listing.data?.products.items[0]?.slug;
    if (!slug) throw new Error(`Vendure at ${shopApi} did not answer its listing: ${JSON.stringify(listing.errors ?? listing.data).slice(0, 300)}`);

    const processes = cpuKeptAfterExit();
    const backends = cpuKeptAfterExit();
    return {
      shopApi,
      pids,
      description: `Vendure at ${shopApi}, processes ${pids.join(', ')}, database ${new URL(databaseUrl).pathname.slice(1)}`,
      variants: stocked.map((row) => row.id),
      slug,
      shippingMethodId: shipping.id,
      paymentMethodCode: payment.code,
      async idle() {
        const deadline = Date.now() + JOBS_TIMEOUT_MS;
        for (;;) {
          const [busy] = await sql<{ count: number }[]>`select count(*)::int as count from job_record where state in ('PENDING', 'RUNNING', 'RETRYING')`;
          if (busy!.count === 0 || Date.now() > deadline) return;
          await new Promise((resolve) => setTimeout(resolve, JOBS_POLL_MS));
        }
      },
      async usage() {
        const backendPids = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
        return { cpuMs: { gateway: processes.cpuMs(pids), postgres: backends.cpuMs(backendPids.map((row) => row.pid)) }, statements: {}, subgraphRequests: {} };
      },
      stop: () => database.close(),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/**
 * Vendure's equivalents of our listing, search, product by slug, add-to-cart and checkout, with
 * the same connections and duration. Shared traffic is anonymous (and, for add-to-cart, one order
 * all connections add to); per-user traffic gives each connection a session of its own, with the
 * bearer token Vendure returns in `vendure-auth-token` from the session's first `addItemToOrder`.
 */
export function vendureOperations(vendure: VendureTarget, options: { connections: number; seconds: number }) {
  const { shopApi, variants } = vendure;
  const needed = VARIANTS_ON_SHARED_ORDER + VARIANTS_PER_CONNECTION * options.connections + options.connections;
  if (variants.length < needed) throw new Error(`Vendure: only ${variants.length} variants have ${PLENTY} in stock; the comparison needs ${needed}`);
  const connections = Array.from({ length: options.connections }, (_, connection) => connection);
  /** A new session: its token, from the first line added to its order. */
  const newSession = async (variantId: string) => {
    const answer = await shop<{ addItemToOrder: { id?: string; errorCode?: string } }>(shopApi, ADD_ITEM, { variantId });
    if (!answer.token || !answer.data?.addItemToOrder.id) throw new Error(`Vendure: addItemToOrder started no session: ${JSON.stringify(answer.errors ?? answer.data).slice(0, 300)}`);
    return answer.token;
  };
  // Per-user reads: one session per connection (each with a one-line order), made once.
  let readSessions: Promise<string[]> | undefined;
  const sessionsForReads = () => (readSessions ??= Promise.all(connections.map((connection) => newSession(variants[variants.length - 1 - connection]!))));

  const read = (traffic: Traffic, query: string, variables: Record<string, unknown>, check: (data: unknown) => { ok: boolean; summary: string }): VendureOperation => ({
    async check() {
      const answer = await shop(shopApi, query, variables);
      return answer.errors?.length || !answer.data ? { ok: false, summary: `errors: ${JSON.stringify(answer.errors).slice(0, 300)}` } : check(answer.data);
    },
    async prepareRound() {
      const tokens = traffic === 'shared' ? [] : await sessionsForReads();
      // Each connection's requests one after another, the last one answered after the clock ran
      // out counted too (autocannon would count none of them where one answer takes seconds).
      return () => loadSteps(options.connections, options.seconds, async (connection) => answered(await shop(shopApi, query, variables, tokens[connection])));
    },
  });

  const answered = (answer: ShopAnswer<unknown>) => answer.status === 200 && !answer.errors?.length && answer.data !== undefined;
  const added = (answer: ShopAnswer<{ addItemToOrder: { id?: string } }>) => !answer.errors?.length && answer.data?.addItemToOrder.id !== undefined;
  const addToCart = (traffic: Traffic): VendureOperation => ({
    async check() {
      const answer = await shop<{ addItemToOrder: { id?: string; totalQuantity?: number; errorCode?: string } }>(shopApi, ADD_ITEM, { variantId: variants[0] });
      const order = answer.data?.addItemToOrder;
      return { ok: added(answer) && order?.totalQuantity === 1 && answer.token !== undefined, summary: order?.id ? `order line added, totalQuantity ${order.totalQuantity}, session token ${answer.token ? 'returned' : 'missing'}` : `no order: ${JSON.stringify(answer.errors ?? order).slice(0, 300)}` };
    },
    async prepareRound() {
      // The session's first line is added untimed, as ours creates each cart untimed.
      const tokens = traffic === 'shared'
        ? Array<string>(options.connections).fill(await newSession(variants[0]!))
        : await Promise.all(connections.map((connection) => newSession(variants[VARIANTS_ON_SHARED_ORDER + connection * VARIANTS_PER_CONNECTION]!)));
      const variantOf = (connection: number, iteration: number) =>
        traffic === 'shared'
          ? variants[(connection + iteration) % VARIANTS_ON_SHARED_ORDER]!
          : variants[VARIANTS_ON_SHARED_ORDER + connection * VARIANTS_PER_CONNECTION + (iteration % VARIANTS_PER_CONNECTION)]!;
      return () => loadSteps(options.connections, options.seconds, async (connection, iteration) => added(await shop(shopApi, ADD_ITEM, { variantId: variantOf(connection, iteration) }, tokens[connection])));
    },
  });

  let checkouts = 0;
  const runId = Date.now().toString(36);
  /** One whole checkout in a fresh session; the state of the order at the end, or undefined when a step failed. */
  const checkoutFlow = async (n: number): Promise<string | undefined> => {
    const first = await shop<{ addItemToOrder: { id?: string } }>(shopApi, CHECKOUT_ADD, { variantId: variants[n % variants.length] });
    if (!added(first) || !first.token) return undefined;
    const variables = [{ email: `bench-${runId}-${n}@example.com` }, {}, { shippingMethodId: vendure.shippingMethodId }, {}, { method: vendure.paymentMethodCode }];
    let state: string | undefined;
    for (const [index, step] of CHECKOUT_STEPS.entries()) {
      const answer = await shop<Record<string, { id?: string; state?: string; errorCode?: string }>>(shopApi, step, variables[index], first.token);
      const result = answer.data && Object.values(answer.data)[0];
      if (answer.errors?.length || !result || result.errorCode) return undefined;
      state = result.state;
    }
    return state;
  };
  const checkout: VendureOperation = {
    async check() {
      const state = await checkoutFlow(checkouts++);
      return { ok: state === 'PaymentSettled', summary: state ? `order placed, state ${state}` : 'a checkout step failed' };
    },
    async prepareRound() {
      return () => loadSteps(options.connections, options.seconds, async () => (await checkoutFlow(checkouts++)) !== undefined);
    },
  };

  const listingCheck = (data: unknown) => {
    const { totalItems, items } = (data as { products: { totalItems: number; items: { variants: unknown[] }[] } }).products;
    const variantCount = items.reduce((sum, item) => sum + item.variants.length, 0);
    return { ok: items.length === LISTING_SIZE && variantCount === LISTING_SIZE * VARIANTS_PER_PRODUCT, summary: `${items.length} products, ${variantCount} variants (of ${totalItems} products)` };
  };
  const searchCheck = (data: unknown) => {
    const { totalItems, items } = (data as { search: { totalItems: number; items: { productName: string }[] } }).search;
    const matching = items.filter((item) => /sweater/i.test(item.productName)).length;
    return { ok: items.length === LISTING_SIZE && matching === items.length, summary: `${items.length} products, ${matching} named "sweater" (of ${totalItems} found)` };
  };
  const slugCheck = (data: unknown) => {
    const product = (data as { product: { slug: string; variants: unknown[] } | null }).product;
    return { ok: product?.slug === vendure.slug && product.variants.length === VARIANTS_PER_PRODUCT, summary: product ? `product ${product.slug} found, ${product.variants.length} variants` : `no product ${vendure.slug}` };
  };

  return {
    listing: (traffic: Traffic) => read(traffic, LISTING, {}, listingCheck),
    search: (traffic: Traffic) => read(traffic, SEARCH, {}, searchCheck),
    productBySlug: (traffic: Traffic) => read(traffic, PRODUCT_BY_SLUG, { slug: vendure.slug }, slugCheck),
    addToCart,
    checkout,
  };
}

interface ShopAnswer<TData> {
  status: number;
  data?: TData;
  errors?: unknown[];
  /** The session's bearer token, when Vendure sent one. */
  token?: string;
}

const headersOf = (token: string | undefined): Record<string, string> => ({ 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) });

/** One request to the Shop API, in the session of `token` if given. */
async function shop<TData = Record<string, unknown>>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<ShopAnswer<TData>> {
  const response = await fetch(url, { method: 'POST', headers: headersOf(token), body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  const sessionToken = response.headers.get(SESSION_HEADER) ?? token;
  try {
    return { status: response.status, ...(JSON.parse(text) as { data?: TData; errors?: unknown[] }), token: sessionToken ?? undefined };
  } catch {
    return { status: response.status, errors: [text.slice(0, 300)] };
  }
}

/** The processes running Vendure's server or worker entry in `directory` (their working folder). */
function vendureProcesses(directory: string): number[] {
  const entries = new Set(['server.ts', 'worker.ts', 'server.js', 'worker.js']);
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readlinkSync(`/proc/${name}/cwd`) !== directory) continue;
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (basename(argv[0] ?? '') === 'node' && argv.slice(1).some((arg) => entries.has(arg))) pids.push(Number(name));
    } catch {
      // Exited meanwhile, or not ours to read.
    }
  }
  return pids.sort((a, b) => a - b);
}

/**
 * CPU ms of a changing set of processes so far: each one's user + system time as last read, so a
 * process that has exited keeps counting with what it had used by the previous reading.
 */
function cpuKeptAfterExit(): { cpuMs(pids: number[]): number } {
  const lastTicks = new Map<number, number>();
  return {
    cpuMs(pids) {
      for (const pid of pids) {
        const ticks = processTicks(pid);
        if (ticks !== undefined) lastTicks.set(pid, Math.max(ticks, lastTicks.get(pid) ?? 0));
      }
      let total = 0;
      for (const ticks of lastTicks.values()) total += ticks;
      return (total / CLOCK_TICKS_PER_SECOND) * 1000;
    },
  };
}

/** User + system clock ticks of one process so far, or undefined when it is not running. */
function processTicks(pid: number): number | undefined {
  try {
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function withDatabase(url: string | undefined, database: string): string {
  if (!url) throw new Error('Vendure: set VENDURE_DATABASE_URL or DATABASE_URL (its database is found on that server)');
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
