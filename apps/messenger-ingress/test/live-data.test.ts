import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessToken } from '@omni/auth';
import { BOT_TOKEN_LIFETIME_SECONDS, createGatewayLiveData, LiveDataError } from '../src/bot/live-data';

const TOKEN_SECRET = 'test-token-secret-0123456789abcdef';

/** A gateway that records what it is asked and answers from a table by operation name. */
let server: Server;
let url: string;
const seen: { operation: string; headers: IncomingHttpHeaders; variables: Record<string, unknown> }[] = [];
const answers: Record<string, unknown> = {};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const { query, variables } = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
      const operation = /query (\w+)/.exec(query)![1]!;
      seen.push({ operation, headers: req.headers, variables });
      res.setHeader('content-type', 'application/json');
      const answer = answers[operation];
      res.end(JSON.stringify(typeof answer === 'function' ? (answer as (v: Record<string, unknown>) => unknown)(variables) : answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => server?.close());

const liveData = () => createGatewayLiveData({ gatewayUrl: () => url, tokenSecret: TOKEN_SECRET });

describe('gateway live data', () => {
  it('reads a customer\'s data with a customer token of theirs that lives at most a minute', async () => {
    answers.BotCustomerName = { data: { me: { displayName: 'Elena Sokolova' } } };
    seen.length = 0;
    expect(await liveData().displayName('cus_elena')).toBe('Elena Sokolova');
    const token = seen[0]!.headers.authorization!.replace('Bearer ', '');
    const claims = await verifyAccessToken(TOKEN_SECRET, token);
    expect(claims).toEqual({ role: 'customer', sub: 'cus_elena', channel: 'MESSENGER' });
    const { exp, iat } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number; iat: number };
    expect(exp - iat).toBeLessThanOrEqual(BOT_TOKEN_LIFETIME_SECONDS);
    expect(exp * 1000).toBeGreaterThan(Date.now());
  });

  it('reads stores without any token', async () => {
    answers.BotStores = { data: { locations: [{ id: 'loc_b', name: 'Berlin Mitte', address: { street: 'Rosenthaler Str. 40', city: 'Berlin' }, openingHours: [] }] } };
    seen.length = 0;
    expect(await liveData().stores()).toEqual([{ id: 'loc_b', name: 'Berlin Mitte', street: 'Rosenthaler Str. 40', city: 'Berlin', openingHours: [] }]);
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  it('pages to the newest order, the list being oldest first', async () => {
    const order = (id: string) => ({ id, placedAt: '2026-11-20T10:00:00.000Z', total: { amount: '1.00', currencyCode: 'EUR' }, fulfillment: { method: 'PICKUP', status: 'UNFULFILLED', readyBy: null, estimatedDeliveryAt: null, location: { name: 'Berlin Mitte' } } });
    answers.BotOrders = (variables: Record<string, unknown>) =>
      variables.after === 'page-2'
        ? { data: { me: { orders: { edges: [{ node: order('ord_3') }], pageInfo: { hasNextPage: false, endCursor: 'page-3' } } } } }
        : { data: { me: { orders: { edges: [{ node: order('ord_1') }, { node: order('ord_2') }], pageInfo: { hasNextPage: true, endCursor: 'page-2' } } } } };
    expect((await liveData().latestOrder('cus_elena'))?.id).toBe('ord_3');
  });

  it('prefers the product called exactly what was asked, and sums stock per store', async () => {
    const level = (storeId: string, available: number) => ({ available, location: { id: storeId } });
    answers.BotProductStock = {
      data: {
        products: {
          edges: [
            { node: { title: 'Alpine Parka Kids', variants: [{ stockLevels: [level('loc_b', 100)] }] } },
            { node: { title: 'Alpine Parka', variants: [{ stockLevels: [level('loc_b', 2), level('loc_h', 0)] }, { stockLevels: [level('loc_b', 3)] }] } },
          ],
        },
      },
    };
    expect(await liveData().productStock('Alpine Parka', null)).toEqual({ title: 'Alpine Parka', byStore: [{ storeId: 'loc_b', available: 5 }, { storeId: 'loc_h', available: 0 }] });
  });

  it('turns gateway errors into a LiveDataError naming the codes only', async () => {
    answers.BotCart = { errors: [{ message: 'Token has expired', extensions: { code: 'UNAUTHENTICATED' } }] };
    const failure = await liveData().cart('cus_elena').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LiveDataError);
    expect((failure as Error).message).toContain('UNAUTHENTICATED');
  });
});
