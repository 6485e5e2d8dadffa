import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const SERVER = fileURLToPath(new URL('./support/clustered-server.ts', import.meta.url));
const started: ChildProcess[] = [];

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the supervisor with `workers` workers and waits until every one of them listens. */
async function startClustered(workers: number) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, String(workers), String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const deadline = Date.now() + 30_000;
  while ((output.match(/listening on/g) ?? []).length < workers) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`workers did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const workerPids = [...output.matchAll(/listening on \d+ as (\d+)/g)].map((match) => Number(match[1]));
  return { child, url: `http://127.0.0.1:${port}/`, exited, workerPids, output: () => output };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a service on several workers', () => {
  it('serves one port from every worker', async () => {
    const service = await startClustered(2);
    expect(new Set(service.workerPids).size).toBe(2);
    expect(service.workerPids).not.toContain(service.child.pid);
    // Concurrent slow requests are handed to the workers in turn.
    const answers = await Promise.all(Array.from({ length: 8 }, async () => Number(await (await fetch(`${service.url}?delay=100`)).text())));
    expect(new Set(answers)).toEqual(new Set(service.workerPids));
  }, 60_000);

  it('finishes requests in flight on SIGTERM, stops every worker and exits 0', async () => {
    const service = await startClustered(2);
    const slow = fetch(`${service.url}?delay=1000`).then(async (response) => ({ status: response.status, body: await response.text() }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    service.child.kill('SIGTERM');
    expect(await slow).toMatchObject({ status: 200 });
    expect(await service.exited).toBe(0);
    expect(service.workerPids.filter(alive)).toEqual([]);
  }, 60_000);

  it('runs in the process itself with one worker', async () => {
    const service = await startClustered(1);
    expect(service.workerPids).toEqual([service.child.pid]);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  }, 60_000);
});
