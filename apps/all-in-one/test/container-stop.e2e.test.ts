import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

/**
 * `docker stop` sends SIGTERM to the container's PID 1 and kills it 10 s later. There is no
 * Docker engine in CI, so this compiles the services as the image's build stage does
 * (`npm run build`) and starts them with the image's own CMD (read from the Dockerfile, run from
 * the repository root as the image's WORKDIR holds it), then signals them.
 */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SLOW_SUBGRAPH_MS = 4_000;
const DOCKER_STOP_TIMEOUT_MS = 10_000;
const TOKEN_SECRET = 'container-stop-token-secret-0123456789';
const SIGNING_SECRET = 'container-stop-signing-secret-0123456789';

async function imageCommand(): Promise<string[]> {
  const dockerfile = await readFile(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const line = dockerfile.split('\n').find((candidate) => candidate.startsWith('CMD '));
  if (!line) throw new Error('The Dockerfile has no CMD');
  return JSON.parse(line.slice('CMD '.length)) as string[];
}

interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];

/** Runs the image's CMD for `service` with the environment the image sets, plus `env`. */
async function startAsInImage(service: string, env: Record<string, string>, listeningMessage: string): Promise<ServiceProcess> {
  const [command, ...args] = await imageCommand();
  const child = spawn(command!, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', NODE_OPTIONS: '--max-semi-space-size=64', SERVICE: service, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const url = await new Promise<string>((resolve, reject) => {
    // The line that announces the address, in plain text or as a JSON log record.
    const onData = () => {
      const line = output.split('\n').find((candidate) => candidate.includes(listeningMessage));
      const url = line && /http:\/\/[^\s"]+/.exec(line);
      if (url) resolve(url[0]);
    };
    child.stdout!.on('data', onData);
    void exited.then(() => reject(new Error(`${service} exited before listening:\n${output}`)));
  });
  return { child, url, output: () => output, exited };
}

/** A subgraph that answers readiness probes at once and any query naming `product` after 4 s. */
async function startSlowSubgraph(): Promise<{ server: Server; url: string; slowRequestArrived: Promise<void> }> {
  let arrived!: () => void;
  const slowRequestArrived = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ready' }));
      return;
    }
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const answer = (data: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
      if (!body.includes('product')) return answer({ __typename: 'Query' });
      arrived();
      setTimeout(() => answer({ product: null }), SLOW_SUBGRAPH_MS);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/`, slowRequestArrived };
}

/** A client that made one keep-alive request and then just holds its connection open. */
async function openIdleKeepAliveConnection(url: string): Promise<{ socket: Socket; closed: Promise<void> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  const closed = once(socket, 'close').then(() => undefined);
  socket.write(`GET /health HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`);
  await once(socket, 'data');
  socket.on('data', () => {});
  return { socket, closed };
}

function postGraphQL(url: string, query: string): Promise<{ status: number; body: { data?: Record<string, unknown>; errors?: unknown[] } }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify({ query });
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Resolves with the error code of a fresh connection attempt, or `connected`. */
function tryConnect(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

async function closedPortUrl(): Promise<string> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return `http://127.0.0.1:${port}/`;
}

async function exitWithin(service: ServiceProcess, ms: number) {
  const timeout = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), ms).unref());
  return Promise.race([service.exited, timeout]);
}

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'scripts/bundle-services.mjs')], { cwd: REPO_ROOT });
}, 60_000);

describe('docker stop (SIGTERM to the image CMD)', () => {
  it(
    'lets the gateway finish a 4 s request, refuses new connections and exits 0 within 10 s',
    async () => {
      const subgraph = await startSlowSubgraph();
      try {
        const subgraphUrls = Object.fromEntries(['CUSTOMER', 'CATALOG', 'CART', 'PROMOTIONS', 'SUPPORT'].map((name) => [`${name}_URL`, subgraph.url]));
        const gateway = await startAsInImage(
          'gateway',
          { AUTH_TOKEN_SECRET: TOKEN_SECRET, GATEWAY_SIGNING_SECRET: SIGNING_SECRET, ...subgraphUrls },
          'gateway listening',
        );
        const idle = await openIdleKeepAliveConnection(gateway.url);

        const slow = postGraphQL(gateway.url, '{ product(id: "prod_missing") { id } }');
        await subgraph.slowRequestArrived;
        const signalledAt = Date.now();
        gateway.child.kill('SIGTERM');
        // The listener closes right away; the request in flight keeps running.
        await expect.poll(() => tryConnect(gateway.url), { timeout: 2_000, interval: 50 }).toBe('ECONNREFUSED');
        await idle.closed;

        const response = await slow;
        expect(response.status).toBe(200);
        expect(response.body.errors).toBeUndefined();
        expect(response.body.data).toEqual({ product: null });
        expect(Date.now() - signalledAt).toBeGreaterThan(SLOW_SUBGRAPH_MS - 1_000);

        const exit = await exitWithin(gateway, DOCKER_STOP_TIMEOUT_MS);
        expect(exit, gateway.output()).toEqual({ code: 0, signal: null });
        expect(Date.now() - signalledAt).toBeLessThan(DOCKER_STOP_TIMEOUT_MS);
      } finally {
        subgraph.server.closeAllConnections();
        subgraph.server.close();
      }
    },
    60_000,
  );

  it(
    'stops a subgraph with its outbox relay, sweeper and database within 10 s while a client holds a connection',
    async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'omnigraph-container-stop-'));
      try {
        // Nothing listens on the siblings: the relay keeps retrying, as it does while one is down.
        const nowhere = await closedPortUrl();
        const cart = await startAsInImage(
          'cart',
          { GATEWAY_SIGNING_SECRET: SIGNING_SECRET, PGLITE_DIR: dataDir, CATALOG_URL: nowhere, CUSTOMER_URL: nowhere, PROMOTIONS_URL: nowhere },
          'cart subgraph ready',
        );
        const idle = await openIdleKeepAliveConnection(cart.url);

        const signalledAt = Date.now();
        cart.child.kill('SIGTERM');
        await idle.closed;
        const exit = await exitWithin(cart, DOCKER_STOP_TIMEOUT_MS);
        expect(exit, cart.output()).toEqual({ code: 0, signal: null });
        expect(Date.now() - signalledAt).toBeLessThan(DOCKER_STOP_TIMEOUT_MS);
        expect(await tryConnect(cart.url)).toBe('ECONNREFUSED');
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    120_000,
  );

  // The gateway and the cart above, every other service here: each compiled file starts from the
  // image's CMD in production mode, answers, and stops with 0 on SIGTERM.
  const otherServices: [service: string, readyMessage: string, env: (nowhere: string) => Record<string, string>][] = [
    [
      'customer',
      'customer subgraph ready',
      (nowhere) => ({ AUTH_TOKEN_SECRET: TOKEN_SECRET, SIGN_IN_CODE_WEBHOOK_URL: `${nowhere}codes`, SIGN_IN_CODE_WEBHOOK_SECRET: 'container-stop-webhook-secret-0123456789' }),
    ],
    ['catalog', 'catalog subgraph ready', () => ({})],
    ['promotions', 'promotions subgraph ready', () => ({})],
    ['support', 'support subgraph ready', () => ({})],
    ['messenger-ingress', 'messenger ingress listening', (nowhere) => ({ AUTH_TOKEN_SECRET: TOKEN_SECRET, GATEWAY_URL: nowhere })],
  ];
  it.each(otherServices)(
    'starts %s compiled from the image CMD in production mode, answers and exits 0 on SIGTERM',
    async (service, readyMessage, envOf) => {
      const dataDir = await mkdtemp(join(tmpdir(), 'omnigraph-container-start-'));
      try {
        const nowhere = await closedPortUrl();
        const siblings = Object.fromEntries(['CUSTOMER', 'CATALOG', 'CART', 'PROMOTIONS', 'SUPPORT'].map((name) => [`${name}_URL`, nowhere]));
        const running = await startAsInImage(service, { GATEWAY_SIGNING_SECRET: SIGNING_SECRET, PGLITE_DIR: dataDir, ...siblings, ...envOf(nowhere) }, readyMessage);
        const health = await fetch(new URL('/health', running.url));
        expect(health.status, running.output()).toBe(200);

        running.child.kill('SIGTERM');
        const exit = await exitWithin(running, DOCKER_STOP_TIMEOUT_MS);
        expect(exit, running.output()).toEqual({ code: 0, signal: null });
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
