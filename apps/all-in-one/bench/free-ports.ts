import { createServer, type Server } from 'node:net';

/**
 * Ports nothing listens on right now. The services need each other's URLs before any of them
 * listens (customer, cart and support call one another), so port 0 at listen time is too late.
 * All probes stay open until every port is known, so the same port is never handed out twice.
 */
export async function freePorts(count: number, host: string): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let index = 0; index < count; index += 1) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolve());
      });
      const address = server.address();
      if (!address || typeof address === 'string') throw new Error('no TCP address for a port probe');
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
