import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runInWorkers } from '../../src/cluster';
import { stopOnTerminationSignals } from '../../src/graceful-shutdown';

/**
 * A service run as `WORKERS` processes by the cluster supervisor: each worker answers with its
 * process id after `delay` ms (from the query string), announces its port once listening, and
 * stops gracefully on SIGTERM.
 */
const workers = Number(process.argv[2] ?? '2');

await runInWorkers({ service: 'clustered', workers }, async () => {
  const server = createServer((req, res) => {
    const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? '0');
    // One request per connection, so a stop never waits out an idle keep-alive connection.
    setTimeout(() => res.writeHead(200, { connection: 'close' }).end(String(process.pid)), delay);
  });
  await new Promise<void>((resolve) => server.listen(Number(process.argv[3] ?? '0'), '127.0.0.1', resolve));
  console.log(`listening on ${(server.address() as AddressInfo).port} as ${process.pid}`);
  stopOnTerminationSignals(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  );
});
