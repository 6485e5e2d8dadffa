import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CHILD_ENTRY = fileURLToPath(new URL('./child-entry.ts', import.meta.url));
/** The same loader `tsx src/index.ts` (npm start) uses, without tsx's extra watcher process in between. */
const TSX_LOADER = import.meta.resolve('tsx');
/** Output lines kept to explain a service that dies while starting. */
const TAIL_LINES = 20;

export interface ServiceProcess {
  name: string;
  url: string;
  /** Resolves once the service answers HTTP at its URL; rejects if it exits first or never answers. */
  ready(timeoutMs: number): Promise<void>;
  /** SIGTERM (the entry point's graceful stop), then SIGKILL if it has not exited in time. */
  stop(): Promise<void>;
  /** CPU time (user + system) the process has used so far, in milliseconds. */
  cpuMs(): Promise<number>;
  /** CPU time so far (ms) and the SQL statements the process has sent so far. */
  usage(): Promise<{ cpuMs: number; statements: number }>;
}

export interface ServiceSpec {
  name: string;
  /** The workspace folder; the child runs there, as `npm start -w` would. */
  directory: URL;
  url: string;
  env: Record<string, string>;
  /** The gateway must serve a query; a subgraph answers 401 to an unsigned one, which is enough. */
  readyWhen: (response: Response) => boolean;
  /** Starts it without request ids, access log, metrics and spans (the baseline of --edge=off). */
  edgeOff?: boolean;
  /** The entry point; `src/index.ts` of the directory by default. */
  entry?: URL;
  /** Runs the compiled `dist/index.js` of the directory (`npm run build`), as the production image does. */
  compiled?: boolean;
}

/**
 * The young generation's size every service is deployed with (Dockerfile, `npm start`): request
 * handling allocates many short-lived objects, and with Node's default 16 MB semi-spaces the
 * scavenger ran for a quarter of the catalog's CPU. Given to every process the bench starts, the
 * peers' gateways included, so the comparison stays like for like.
 */
const HEAP_FLAGS = ['--max-semi-space-size=64'];

export function spawnService(spec: ServiceSpec): ServiceProcess {
  // BENCH_CPU_PROF=gateway,catalog writes a V8 CPU profile of those services into BENCH_CPU_PROF_DIR (or their folder) when they stop.
  const profiled = process.env.BENCH_CPU_PROF?.split(',').includes(spec.name);
  const profile = profiled ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR ?? '.'}`] : [];
  const entry = spec.entry ?? new URL(spec.compiled ? 'dist/index.js' : 'src/index.ts', spec.directory);
  const child = spawn(process.execPath, [...HEAP_FLAGS, ...profile, '--import', TSX_LOADER, CHILD_ENTRY, fileURLToPath(entry), ...(spec.edgeOff ? ['--edge=off'] : [])], {
    cwd: fileURLToPath(spec.directory),
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    // Prefixed and sent to stderr, so the tables on stdout stay clean.
    createInterface({ input: stream! }).on('line', (line) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      process.stderr.write(`[${spec.name}] ${line}\n`);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A failed spawn is reported through `exited` and the readiness check, not as an unhandled error.
  child.once('error', (error) => tail.push(String(error)));

  const usage = () =>
    new Promise<{ cpuMs: number; statements: number }>((resolve, reject) => {
      const onMessage = (message: unknown) => {
        const reply = message as { cpuUsage?: NodeJS.CpuUsage; statements?: number } | null;
        if (!reply?.cpuUsage) return;
        child.off('message', onMessage);
        resolve({ cpuMs: (reply.cpuUsage.user + reply.cpuUsage.system) / 1000, statements: reply.statements ?? 0 });
      };
      child.on('message', onMessage);
      if (!child.send('cpu-usage')) reject(new Error(`${spec.name} cannot be asked for its CPU time`));
    });

  return {
    name: spec.name,
    url: spec.url,
    async ready(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (hasExited(child)) {
          throw new Error(`${spec.name} exited (${child.exitCode ?? child.signalCode}) before answering:\n${tail.join('\n')}`);
        }
        if (await answers(spec)) return;
        await sleep(200);
      }
      throw new Error(`${spec.name} did not answer at ${spec.url} within ${timeoutMs} ms:\n${tail.join('\n')}`);
    },
    async cpuMs() {
      return (await usage()).cpuMs;
    },
    usage,
    async stop() {
      if (hasExited(child)) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const hung = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 5_000)))]);
      clearTimeout(timer);
      if (!hung) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function answers(spec: ServiceSpec): Promise<boolean> {
  try {
    const response = await fetch(spec.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(2_000),
    });
    await response.arrayBuffer();
    return spec.readyWhen(response);
  } catch {
    // Not listening yet.
    return false;
  }
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
