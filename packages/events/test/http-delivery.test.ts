import { describe, expect, it } from 'vitest';
import type { ServiceClient } from '@omni/graphql';
import { createHttpDelivery } from '../src/http-delivery';

const event = { id: 'evt_1', type: 'cart.changed', producer: 'cart', aggregateId: 'cart_1', occurredAt: new Date('2026-01-01T00:00:00Z'), payload: { quantity: 1 } };

/** What undici throws when the consumer closed a pooled connection under the request. */
function resetError(): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
}

function clientFailingWith(...failures: Error[]) {
  const calls: unknown[] = [];
  const client: ServiceClient = {
    async request<TData>(_query: string, variables?: Record<string, unknown>) {
      calls.push(variables);
      const failure = failures.shift();
      if (failure) throw failure;
      return { receiveCustomerEvents: { accepted: 1 } } as TData;
    },
  };
  return { client, calls };
}

describe('HTTP delivery of domain events', () => {
  it('sends a batch again at once when the connection was reset (consumers dedupe by event id)', async () => {
    const { client, calls } = clientFailingWith(resetError());
    await createHttpDelivery({ client, field: 'receiveCustomerEvents' })([event]);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual(calls[0]);
  });

  it('leaves other failures to the relay and its back-off', async () => {
    const { client, calls } = clientFailingWith(new Error('Call from cart failed: FORBIDDEN'));
    await expect(createHttpDelivery({ client, field: 'receiveCustomerEvents' })([event])).rejects.toThrow('FORBIDDEN');
    expect(calls).toHaveLength(1);
  });
});
