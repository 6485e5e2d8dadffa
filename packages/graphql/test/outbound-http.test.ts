import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGraphQLFetch, isConnectionReset } from '../src/outbound-http';
import { createServiceClient } from '../src/service-client';
import { TEST_SIGNING_SECRET } from '@omni/testing';

/** Drops the connection of every other request without answering, as a server closing an idle socket does. */
let received: string[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push(body);
      if (received.length % 2 === 1) {
        req.socket.destroy();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { ok: true } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
});

const post = (query: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

describe('GraphQL fetch over pooled connections', () => {
  it('sends a query once more when the connection was reset', async () => {
    const response = await createGraphQLFetch()(url, post('query Cart { cart { id } }'));
    expect(await response.json()).toEqual({ data: { ok: true } });
    expect(received).toHaveLength(2);
  });

  it('never sends a mutation twice', async () => {
    const error = await createGraphQLFetch()(url, post('mutation Pay { checkout { id } }')).catch((caught: unknown) => caught);
    expect(isConnectionReset(error)).toBe(true);
    expect(received).toHaveLength(1);
  });

  it('retries the reset query of a service client too', async () => {
    const client = createServiceClient({ service: 'cart', url, signingSecret: TEST_SIGNING_SECRET });
    expect(await client.request('{ ok }')).toEqual({ ok: true });
    expect(received).toHaveLength(2);
  });
});
